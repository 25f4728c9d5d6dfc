// Sample brand in JavaScript: a florist.
//
// Shows: a seasonal bouquet priced per stem from the catalog, a weekly
// flower subscription the household can cancel any time, and a small treat
// (chocolate-dipped strawberries) for a household's desire, with an
// evening delivery slot.
//
// Catalog keys (prices in minor units): `stem.price`, `weekly.price`,
// `strawberries.price`, `delivery.days`, and `sku.<SKU>` for every SKU.

import { Service, Unserviceable, catalog, defineBrand } from "@vitrine/brand";

export default defineBrand({
  name: "Fleurs de Saône",
  version: "0.1.0",
  contact: "plugins@fleurs-de-saone.example",
  categories: ["home/flowers", "food/treats"],

  offers(request) {
    if (request.quantity.unit !== "piece") {
      throw new Unserviceable("flowers are sold by the stem");
    }
    const days = Math.max(catalog.number("delivery.days"), request.delivery.earliestDay);
    const pieces = BigInt(Math.max(request.quantity.amount, 1));
    if (request.category.startsWith("food/treats")) {
      const treat = request
        .offer("STRAWBERRIES-DIPPED", "Chocolate-dipped strawberries, box of six")
        .withPrice(pieces * catalog.minor("strawberries.price"))
        .withDeliveryDays(days)
        .withService(Service.deliverySlot(days, 17, 20))
        .withCarbonGrams(120);
      if (request.need === "desire") treat.withMessage("A small box, delivered this evening.");
      return [treat];
    }
    const stems = pieces < 5n ? 5n : pieces;
    const bouquet = request
      .offer("BOUQUET-SEASON", "Seasonal bouquet from local growers")
      .withQuantity({ amount: Number(stems), unit: "piece" })
      .withPrice(stems * catalog.minor("stem.price"))
      .withDeliveryDays(days)
      .withService(Service.deliverySlot(days, 10, 13))
      .withLabel("local")
      .withCarbonGrams(Number(stems) * 30);
    const weekly = request
      .offer("BOUQUET-WEEKLY", "A fresh bouquet every week")
      .withKind("subscription")
      .withPrice(catalog.minor("weekly.price"))
      .withDeliveryDays(days)
      .withService(Service.subscription(7, true))
      .withLabel("local");
    return [bouquet, weekly];
  },
});
