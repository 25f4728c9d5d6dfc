// The plugin's logic under node --test, without wasm.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { loadCatalog, loadRequest, request, run } from "@vitrine/brand/testing";

import plugin from "./{{name}}.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CATALOG = loadCatalog(here("./catalog.json"));

test("two pieces cost twice the catalog price", () => {
  const offers = run(plugin, request("{{category}}", { amount: 2 }), CATALOG);
  assert.equal(offers[0].priceMinor, 2n * BigInt(CATALOG["item.price"]));
});

test("the example request gets a bid", () => {
  assert.ok(run(plugin, loadRequest(here("./request.json")), CATALOG).length > 0);
});
