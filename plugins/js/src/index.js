// Vitrine's SDK for brand plugins written in JavaScript or TypeScript.
//
//   import { defineBrand, catalog, Service } from "@vitrine/brand";
//   export default defineBrand({
//     categories: ["home/flowers"],
//     offers: (request) => [request.offer("TULIPS", "Ten tulips").withPrice(catalog.minor("tulips.price"))],
//   });
//
// `build.mjs` turns such a module into a component; `@vitrine/brand/testing`
// runs it under `node --test`.

export { defineBrand, describe, answer, bidderFor, warmUp } from "./brand.js";
export { catalog, log, useHost } from "./host.js";
export {
  MAX_MESSAGE_CHARS,
  MAX_TITLE_CHARS,
  BidError,
  CatalogError,
  Internal,
  Offer,
  OutOfStock,
  Service,
  Unserviceable,
  UnsupportedCategory,
  categoryIsUnder,
  cut,
} from "./model.js";
