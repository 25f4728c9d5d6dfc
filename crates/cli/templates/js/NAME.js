// {{title}}: a Vitrine brand plugin.
//
// Catalog keys (prices in minor units): `item.price`, `delivery.days`, and
// `sku.<SKU>` for every SKU offered.

import { Service, catalog, defineBrand } from "@vitrine/brand";

export default defineBrand({
  name: "{{title}}",
  version: "0.1.0",
  contact: "plugins@{{name}}.example",
  categories: ["{{category}}"],

  offers(request) {
    const days = Math.max(catalog.number("delivery.days"), request.delivery.earliestDay);
    const pieces = BigInt(Math.max(request.quantity.amount, 1));
    return [
      request
        .offer("ITEM", "{{title}}: our first offer")
        .withPrice(pieces * catalog.minor("item.price"))
        .withDeliveryDays(days)
        .withService(Service.deliverySlot(days, 9, 12)),
    ];
  },
});
