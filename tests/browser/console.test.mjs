// The console in a real browser (Debian's Chromium, driven by
// playwright-core), against a console served by tests/all/browser.rs over a
// prepared world: household `fam` with an ask waiting, a subscription and a
// brand (`dairy`) it bought from; household `other`; the operator.
//
// Every page is checked with axe-core (no serious or critical violation) and
// captured at phone and desktop widths into $VITRINE_SCREENSHOTS; any
// Content-Security-Policy violation in the console fails the test.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const env = (name) => {
  const value = process.env[name];
  assert.ok(value, `${name} must be set (tests/all/browser.rs sets it)`);
  return value;
};
const url = env("VITRINE_URL");
const tokens = {
  household: env("VITRINE_HOUSEHOLD_TOKEN"),
  other: env("VITRINE_OTHER_HOUSEHOLD_TOKEN"),
  brand: env("VITRINE_BRAND_TOKEN"),
  operator: env("VITRINE_OPERATOR_TOKEN"),
};
const pluginPath = env("VITRINE_PLUGIN_PATH");
const shots = env("VITRINE_SCREENSHOTS");
mkdirSync(shots, { recursive: true });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.VITRINE_CHROMIUM || "/usr/bin/chromium",
    // Containers run Chromium as root, where its sandbox cannot start.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});
after(async () => {
  await browser?.close();
});

/** A fresh browser profile signed in with `token` through a sign-in link. */
async function signedIn(token, viewport = PHONE) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const violations = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(String(error)));
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(`${url}/signin?token=${encodeURIComponent(token)}`);
  await page.getByRole("button", { name: "Continue" }).click();
  try {
    await page.waitForURL(/\/(household|brand|operator)(\?.*)?$/, { timeout: 10000 });
  } catch (error) {
    throw new Error(`signing in ended on ${page.url()}: ${(await page.content()).slice(0, 2000)}`, { cause: error });
  }
  assert.doesNotMatch(page.url(), /token=/, "the token left the address bar");
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "vitrine_session");
  assert.ok(session, "the session cookie is set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(await page.evaluate(() => document.cookie), "", "a script can read the session");
  return { context, page, violations };
}

/** axe-core on the page: no serious or critical violation. */
async function accessible(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(bad, [], `${name}: accessibility`);
}

/** Screenshots at phone and desktop widths. */
async function capture(page, name) {
  for (const [label, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(PHONE);
}

async function visit(session, path, name) {
  const response = await session.page.goto(`${url}${path}`);
  assert.equal(response.status(), 200, `${path}`);
  await accessible(session.page, name);
  await capture(session.page, name);
}

test("a household approves an ask, cancels the order within its window, skips a delivery and reads why", async () => {
  const session = await signedIn(tokens.household);
  const { page } = session;
  await visit(session, "/household", "household-home");
  // The ask: what, from whom, the time left; approve in one tap.
  const ask = page.getByRole("article", { name: /^Ask:/ }).first();
  await assert.doesNotReject(ask.waitFor());
  assert.match(await ask.innerText(), /expires in/);
  await ask.getByRole("button", { name: "Approve" }).click();
  await page.waitForURL(/done=approved/);
  assert.match(await page.getByRole("status").innerText(), /Approved/);
  // Now an upcoming order with its countdown and a cancel button.
  const order = page.getByRole("article", { name: /^Order:/ }).filter({ hasText: "Cancel within" }).first();
  await assert.doesNotReject(order.waitFor(), "an order inside its cancel window");
  // Why this order? — the need, what was shared, the chart, the price, the rule.
  await order.getByRole("link", { name: "Why this order?" }).click();
  await page.waitForURL(/\/household\/orders\//);
  for (const heading of ["The need", "What each brand was told", "The winner against the runner-up", "The price", "The rule that allowed it"]) {
    await assert.doesNotReject(page.getByRole("heading", { name: heading }).waitFor(), heading);
  }
  assert.ok((await page.locator("svg[role=img]").count()) >= 1, "the score chart");
  await accessible(page, "household-why");
  await capture(page, "household-why");
  await page.goBack();
  await page
    .getByRole("article", { name: /^Order:/ })
    .filter({ hasText: "Cancel within" })
    .first()
    .getByRole("button", { name: "Cancel order" })
    .click();
  await page.waitForURL(/done=cancelled/);
  assert.match(await page.getByRole("status").innerText(), /Cancelled/);
  // Skip the subscription's next delivery.
  const subscription = page.getByRole("article", { name: /^Subscription:/ }).first();
  const before = await subscription.innerText();
  await subscription.getByRole("button", { name: "Skip next delivery" }).click();
  await page.waitForURL(/done=skipped/);
  const afterSkip = await page.getByRole("article", { name: /^Subscription:/ }).first().innerText();
  assert.notEqual(afterSkip, before, "the next delivery moved");
  for (const [path, name] of [
    ["/household/budgets", "household-budgets"],
    ["/household/pantry", "household-pantry"],
    ["/household/control", "household-control"],
  ]) {
    await visit(session, path, name);
  }
  assert.deepEqual(session.violations, []);
  await session.context.close();
});

test("a household cannot open another household's order", async () => {
  const own = await signedIn(tokens.household);
  await own.page.goto(`${url}/household`);
  const link = own.page.getByRole("link", { name: "Why this order?" }).first();
  const href = await link.getAttribute("href");
  assert.ok(href, "the household has an order page");
  await own.context.close();
  const other = await signedIn(tokens.other);
  const response = await other.page.goto(`${url}${href}`);
  assert.equal(response.status(), 404);
  assert.match(await other.page.getByRole("alert").innerText(), /no such order/);
  const brand = await other.page.goto(`${url}/brand`);
  assert.equal(brand.status(), 403);
  await other.context.close();
});

test("a brand signs in and uploads a plugin, which waits for the operator", async () => {
  const session = await signedIn(tokens.brand, DESKTOP);
  const { page } = session;
  await visit(session, "/brand", "brand-plugin");
  await page.getByLabel("Component (.wasm)").setInputFiles(pluginPath);
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.waitForURL(/done=uploaded/);
  assert.match(await page.getByRole("status").innerText(), /waits for the operator/);
  await visit(session, "/brand/orders", "brand-orders");
  assert.deepEqual(session.violations, []);
  await session.context.close();
});

test("the operator's pages pass axe", async () => {
  const session = await signedIn(tokens.operator, DESKTOP);
  await visit(session, "/operator", "operator-platform");
  await visit(session, "/operator/policy", "operator-policy");
  assert.deepEqual(session.violations, []);
  await session.context.close();
});
