// Test a brand's logic with `node --test`, without wasm and without a host.
//
//   import { run, request, loadCatalog } from "@vitrine/brand/testing";
//   const offers = run(florist, request("home/flowers"), { "tulips.price": "1200", "sku.TULIPS": "Tulips" });
//
// `run` applies what the SDK applies inside a component (category check,
// `maxOffers`, texts cut) and checks each offer as the host will (SKU
// declared in the catalog, currency, unit, positive price), so a plugin
// that passes here is not refused for its shape on the platform.

import { readFileSync } from "node:fs";

import { answer } from "./brand.js";
import { local } from "./host.js";

/** An offer the host would refuse. */
export class OfferRefused extends Error {}

/** A request as the host sends it (camelCase), with everyday defaults. */
export function request(category, options = {}) {
  return {
    requestId: "test-request",
    need: options.need ?? "replenishment",
    category,
    quantity: { amount: options.amount ?? 1, unit: options.unit ?? "piece" },
    delivery: { earliestDay: options.earliestDay ?? 0, latestDay: options.latestDay ?? 3 },
    region: options.region,
    budget: options.budget,
    currency: options.currency ?? "EUR",
    labels: options.labels ?? [],
    maxOffers: options.maxOffers ?? 3,
  };
}

/** A request from a JSON file in the format `vitrine plugin run` reads. */
export function loadRequest(path) {
  const d = JSON.parse(readFileSync(path, "utf8"));
  return request(d.category, {
    need: d.need,
    amount: d.quantity.amount,
    unit: d.quantity.unit,
    earliestDay: d.delivery.earliest_day,
    latestDay: d.delivery.latest_day,
    region: d.region ? { country: d.region.country, postalPrefix: d.region.postal_prefix } : undefined,
    budget: d.budget ? { minMinor: BigInt(d.budget.min_minor), maxMinor: BigInt(d.budget.max_minor) } : undefined,
    currency: d.currency,
    labels: d.labels,
    maxOffers: d.max_offers,
  });
}

/** A catalog from a JSON file, values as the host gives them (strings). */
export function loadCatalog(path) {
  const d = JSON.parse(readFileSync(path, "utf8"));
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Run `f` with `entries` as the catalog. */
export function withCatalog(entries, f) {
  const previous = new Map(local.catalog);
  local.catalog.clear();
  for (const [k, v] of Object.entries(entries)) local.catalog.set(k, String(v));
  try {
    return f();
  } finally {
    local.catalog.clear();
    for (const [k, v] of previous) local.catalog.set(k, v);
  }
}

/** The log entries recorded since the last call, as [level, message]. */
export function takeLogs() {
  return local.logs.splice(0);
}

/** Throws `OfferRefused` if the host would refuse `offer` for `req`. */
export function checkOffer(req, offer, entries) {
  if (!(`sku.${offer.sku}` in entries)) throw new OfferRefused(`SKU ${offer.sku} is not declared in the catalog (key sku.${offer.sku})`);
  if (offer.currency !== req.currency) throw new OfferRefused(`currency ${offer.currency} differs from the request's ${req.currency}`);
  if (offer.priceMinor <= 0n) throw new OfferRefused(`price ${offer.priceMinor} must be positive`);
  if (offer.quantity.unit !== req.quantity.unit) throw new OfferRefused(`unit ${offer.quantity.unit} differs from the request's`);
  if (!offer.title.trim()) throw new OfferRefused("the title is empty");
}

/** The offers (contract records) `brand` answers to `req` with `catalog`. */
export function run(brand, req, catalog = {}) {
  const entries = Object.fromEntries(Object.entries(catalog).map(([k, v]) => [k, String(v)]));
  const offers = withCatalog(entries, () => answer(brand, req));
  for (const offer of offers) checkOffer(req, offer, entries);
  return offers;
}
