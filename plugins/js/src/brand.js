// `defineBrand`: what a plugin exports, and the rules the SDK applies
// around it (the same as the Rust and Python SDKs).

import { catalog, parseMinor, parseNumber } from "./host.js";
import {
  BidError,
  CatalogError,
  Internal,
  OutOfStock,
  Service,
  Unserviceable,
  UnsupportedCategory,
  categoryIsUnder,
  withOfferBuilder,
} from "./model.js";

/**
 * A brand: `categories` (taxonomy paths such as `home/flowers`), `offers`
 * (request => offers; throw a `BidError` to say why not), and `name`,
 * `version`, `contact` (the catalog keys `brand.name` and `brand.contact`
 * override name and contact). `serves(category)` may be given to narrow
 * the categories further.
 */
export function defineBrand(spec) {
  if (!Array.isArray(spec.categories) || spec.categories.length === 0) {
    throw new TypeError("a brand needs `categories`: taxonomy paths such as `home/flowers`");
  }
  if (typeof spec.offers !== "function") {
    throw new TypeError("a brand needs `offers(request)`");
  }
  return Object.freeze({
    version: "0.1.0",
    contact: "",
    serves: (category) => spec.categories.some((prefix) => categoryIsUnder(category, prefix)),
    ...spec,
  });
}

/** What the plugin says about itself when it is loaded. */
export function describe(brand) {
  return {
    name: catalog.get("brand.name") ?? brand.name ?? "brand",
    version: brand.version,
    categories: [...brand.categories],
    contact: catalog.get("brand.contact") ?? brand.contact,
  };
}

/**
 * What the host receives for `request` (the contract's record): the
 * category checked, the brand's offers cut to `maxOffers` and their texts
 * to the platform's limits, as contract records. Throws a `BidError`.
 */
export function answer(brand, request) {
  if (!brand.serves(request.category)) throw new UnsupportedCategory(request.category);
  const offers = brand.offers(withOfferBuilder(request)) ?? [];
  return offers.slice(0, request.maxOffers).map((offer) => offer.toRecord());
}

/**
 * The object a component exports as `vitrine:brand/bidder`. Errors that
 * are not a `BidError` (a bug in the plugin) are reported as `internal`
 * with their message.
 */
export function bidderFor(brand) {
  return {
    describe: () => describe(brand),
    offers(request) {
      try {
        return answer(brand, request);
      } catch (e) {
        const error = e instanceof BidError ? e : new Internal(String(e?.message ?? e));
        throw { payload: error.toVariant() };
      }
    },
  };
}

/**
 * Runs the SDK's own paths once and forgets the results: a made-up brand
 * of the SDK's answers a made-up request with every builder and service,
 * every error is turned into the contract's variant, and the catalog's
 * number parsing runs on literals. The build calls it while the component
 * is pre-initialised, so that these functions and regular expressions are
 * compiled in the snapshot each call's fresh instance starts from instead
 * of in every call. The brand's own code is never called here: what its
 * module keeps stays as the module set it up, and no made-up value can
 * end up in it.
 */
export function warmUp() {
  const request = {
    requestId: "warm-up",
    need: "replenishment",
    category: "warm/up",
    quantity: { amount: 2, unit: "piece" },
    delivery: { earliestDay: 1, latestDay: 3 },
    region: { country: "FR", postalPrefix: "69" },
    budget: { minMinor: 0n, maxMinor: 100000n },
    currency: "EUR",
    labels: ["organic"],
    maxOffers: 3,
  };
  const sdk = defineBrand({
    categories: ["warm"],
    offers: (r) => [
      r.offer("WARM-UP", "Warm-up offer")
        .withKind("subscription")
        .withPrice(parseMinor("warm.price", " 120 "))
        .withQuantity({ amount: parseNumber("warm.amount", "2"), unit: "piece" })
        .withDeliveryDays(1)
        .withService(Service.deliverySlot(1, 9, 12))
        .withService(Service.subscription(7))
        .withService(Service.returnablePackaging(50))
        .withService(Service.takeBack(10n))
        .withService(Service.loyaltyMinor(5))
        .withService(Service.advice("warm-up"))
        .withLabel("local")
        .withCarbonGrams(10)
        .withMessage("warm-up"),
    ],
  });
  for (let i = 0; i < 4; i++) {
    bidderFor(sdk).offers(request);
    for (const brand of [sdk, { ...sdk, offers: () => { throw new Unserviceable("warm-up"); } }]) {
      try {
        bidderFor(brand).offers({ ...request, category: i % 2 ? "other" : "warm/up" });
      } catch {
        // Expected: the error paths are what is warmed.
      }
    }
    for (const e of [new OutOfStock(), new CatalogError("x"), new Internal("x")]) e.toVariant();
  }
}
