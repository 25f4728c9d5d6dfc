// The florist's logic, under node --test, without wasm.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { CatalogError, Unserviceable, UnsupportedCategory } from "@vitrine/brand";
import { loadCatalog, loadRequest, request, run } from "@vitrine/brand/testing";

import florist from "./florist.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CATALOG = loadCatalog(here("./catalog.json"));

test("a bouquet has at least five stems, priced per stem, with a weekly subscription beside it", () => {
  const offers = run(florist, request("home/flowers", { amount: 2 }), CATALOG);
  assert.deepEqual(offers.map((o) => o.sku), ["BOUQUET-SEASON", "BOUQUET-WEEKLY"]);
  assert.equal(offers[0].quantity.amount, 5);
  assert.equal(offers[0].priceMinor, 900n);
  assert.equal(offers[1].kind, "subscription");
  assert.deepEqual(offers[1].services[0], { tag: "subscription", val: { periodDays: 7, cancelAnytime: true } });
});

test("max offers is honoured by the SDK", () => {
  const offers = run(florist, request("home/flowers", { maxOffers: 1 }), CATALOG);
  assert.equal(offers.length, 1);
});

test("a desire for a treat gets strawberries and a short note", () => {
  const offers = run(florist, request("food/treats/chocolate", { need: "desire" }), CATALOG);
  assert.equal(offers[0].sku, "STRAWBERRIES-DIPPED");
  assert.equal(offers[0].priceMinor, 890n);
  assert.ok(offers[0].message);
});

test("flowers by weight are unserviceable", () => {
  assert.throws(() => run(florist, request("home/flowers", { unit: "gram" }), CATALOG), Unserviceable);
});

test("a category the florist does not serve is refused by the SDK", () => {
  assert.throws(() => run(florist, request("clothing/shoes"), CATALOG), UnsupportedCategory);
});

test("a missing price is a catalog error naming the key", () => {
  const { ["stem.price"]: _, ...rest } = CATALOG;
  assert.throws(() => run(florist, request("home/flowers"), rest), (e) => e instanceof CatalogError && /stem\.price/.test(e.message));
});

test("the repository's chocolate request gets a bid", () => {
  const req = loadRequest(here("../../../examples/requests/chocolate.json"));
  assert.equal(run(florist, req, CATALOG).length, 1);
});
