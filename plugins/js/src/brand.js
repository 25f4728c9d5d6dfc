// `defineBrand`: what a plugin exports, and the rules the SDK applies
// around it (the same as the Rust and Python SDKs).

import { catalog } from "./host.js";
import { BidError, Internal, UnsupportedCategory, categoryIsUnder, withOfferBuilder } from "./model.js";

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
