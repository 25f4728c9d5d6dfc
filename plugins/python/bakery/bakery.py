"""Sample brand in Python: a neighbourhood bakery.

Shows: two categories (bread, and treats for a household's small wants),
a morning delivery slot, returnable bread bags, a label the household may
have asked for (`organic`), and a price per piece from the catalog.

Catalog keys (prices in minor units): `loaf.price`, `croissant.price`,
`delivery.days`, and `sku.<SKU>` for every SKU offered.
"""

from vitrine_brand import Brand, NeedKind, Service, Unit, Unserviceable, catalog


class Bakery(Brand):
    categories = ("food/bakery", "food/treats")
    name = "Boulangerie de la Croix-Rousse"
    version = "0.1.0"
    contact = "plugins@boulangerie.example"

    def offers(self, request):
        if request.quantity.unit != Unit.PIECE:
            raise Unserviceable("bread and pastries are sold by the piece")
        pieces = max(request.quantity.amount, 1)
        days = max(catalog.number("delivery.days"), request.delivery.earliest_day)
        if request.category.startswith("food/treats"):
            offer = (
                request.offer("PAIN-CHOC", "Pain au chocolat, baked this morning")
                .with_price(pieces * catalog.minor("croissant.price"))
                .with_delivery_days(days)
                .with_service(Service.delivery_slot(days, 7, 9))
                .with_carbon_grams(40 * pieces)
            )
            if request.need == NeedKind.DESIRE:
                offer.with_message("Still warm at seven. One is enough to say yes.")
            return [offer]
        loaf = (
            request.offer("LOAF-SOURDOUGH", "Organic sourdough loaf, 800 g")
            .with_price(pieces * catalog.minor("loaf.price"))
            .with_delivery_days(days)
            .with_service(Service.delivery_slot(days, 7, 9))
            .with_service(Service.returnable_packaging(50))
            .with_label("organic")
            .with_label("local")
            .with_carbon_grams(250 * pieces)
        )
        return [loaf]
