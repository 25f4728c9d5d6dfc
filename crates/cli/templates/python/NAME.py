"""{{title}}: a Vitrine brand plugin.

Catalog keys (prices in minor units): `item.price`, `delivery.days`, and
`sku.<SKU>` for every SKU offered.
"""

from vitrine_brand import Brand, Service, catalog


class Plugin(Brand):
    categories = ("{{category}}",)
    name = "{{title}}"
    version = "0.1.0"
    contact = "plugins@{{name}}.example"

    def offers(self, request):
        days = max(catalog.number("delivery.days"), request.delivery.earliest_day)
        pieces = max(request.quantity.amount, 1)
        return [
            request.offer("ITEM", "{{title}}: our first offer")
            .with_price(pieces * catalog.minor("item.price"))
            .with_delivery_days(days)
            .with_service(Service.delivery_slot(days, 9, 12))
        ]
