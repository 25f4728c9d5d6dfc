/** @module Interface vitrine:brand/bidder@0.1.0 **/
/**
 * Describe the plugin: name, version, categories served, contact.
 */
export function describe(): BrandInfo;
/**
 * Answer one request with up to `request.max-offers` offers. An empty
 * list means no bid.
 */
export function offers(request: OfferRequest): Array<Offer>;
export type BrandInfo = import('./vitrine-brand-types.js').BrandInfo;
export type OfferRequest = import('./vitrine-brand-types.js').OfferRequest;
export type Offer = import('./vitrine-brand-types.js').Offer;
export type BidError = import('./vitrine-brand-types.js').BidError;
