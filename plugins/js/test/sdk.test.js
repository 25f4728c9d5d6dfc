// The SDK's own rules, as every JavaScript plugin gets them.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CatalogError,
  MAX_MESSAGE_CHARS,
  MAX_TITLE_CHARS,
  UnsupportedCategory,
  answer,
  bidderFor,
  catalog,
  categoryIsUnder,
  defineBrand,
  log,
  useHost,
  warmUp,
} from "@vitrine/brand";
import { local } from "../src/host.js";
import { OfferRefused, request, run, takeLogs, withCatalog } from "@vitrine/brand/testing";

const echo = defineBrand({
  categories: ["home/misc"],
  offers: (r) =>
    Array.from({ length: 10 }, (_, i) => r.offer(`S${i}`, "é".repeat(500)).withPrice(100).withMessage("😀".repeat(400))),
});

test("texts are cut by characters and offers by maxOffers", () => {
  const offers = withCatalog({}, () => answer(echo, request("home/misc", { maxOffers: 4 })));
  assert.equal(offers.length, 4);
  assert.equal(Array.from(offers[0].title).length, MAX_TITLE_CHARS);
  assert.equal(Array.from(offers[0].message).length, MAX_MESSAGE_CHARS);
  assert.equal(offers[0].priceMinor, 100n);
});

test("categories match whole path segments", () => {
  assert.ok(categoryIsUnder("home/misc/vases", "home/misc"));
  assert.ok(!categoryIsUnder("home/miscellany", "home/misc"));
  assert.throws(() => answer(echo, request("home/miscellany")), UnsupportedCategory);
});

test("catalog numbers are checked and missing keys named", () => {
  withCatalog({ a: "12", b: "-3", c: "1.5", f: "TRUE" }, () => {
    assert.equal(catalog.number("a"), 12);
    assert.equal(catalog.minor("a"), 12n);
    assert.throws(() => catalog.number("b"), CatalogError);
    assert.throws(() => catalog.minor("c"), CatalogError);
    assert.throws(() => catalog.require("zz"), /missing catalog key `zz`/);
    assert.ok(catalog.flag("f") && !catalog.flag("zz"));
  });
});

test("logs are recorded and levels checked", () => {
  takeLogs();
  log.info("hello");
  log.warn("careful");
  assert.deepEqual(takeLogs(), [["info", "hello"], ["warn", "careful"]]);
  assert.throws(() => log.log("loud", "x"));
});

test("the harness refuses what the host would refuse", () => {
  assert.throws(() => run(echo, request("home/misc"), {}), OfferRefused);
});

test("errors reach the host as the contract's variant; a bug is internal", () => {
  const bidder = bidderFor(echo);
  assert.throws(
    () => bidder.offers(request("clothing/shoes")),
    (e) => e.payload.tag === "unsupported-category" && e.payload.val === "clothing/shoes",
  );
  const buggy = bidderFor(defineBrand({ categories: ["x"], offers: () => null.crash }));
  assert.throws(() => buggy.offers(request("x")), (e) => e.payload.tag === "internal");
});

test("a brand without categories or offers is refused when defined", () => {
  assert.throws(() => defineBrand({ offers: () => [] }), /categories/);
  assert.throws(() => defineBrand({ categories: ["x"] }), /offers/);
});

test("the build's warm-up asks nothing of the host and leaves the catalog rules intact", () => {
  const asked = [];
  useHost((key) => { asked.push(key); return undefined; }, (level, message) => asked.push(`${level}: ${message}`));
  try {
    warmUp();
    assert.deepEqual(asked, [], "no catalog read, no log: the host is not there while the component is built");
  } finally {
    useHost((key) => local.catalog.get(key), (level, message) => local.logs.push([level, message]));
  }
  withCatalog({ "a.price": " 120 ", "a.days": "x" }, () => {
    assert.equal(catalog.minor("a.price"), 120n);
    assert.throws(() => catalog.number("a.days"), CatalogError);
  });
});
