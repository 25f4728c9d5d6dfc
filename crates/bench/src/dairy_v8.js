// Vitrine benchmark contender: the dairy sample's bidding logic in
// JavaScript, each call in a fresh V8 context (Node's `vm` module), the model
// of Protected Audience's bidding worklets. Like the sandboxed call, the
// request crosses into the context as a copy (JSON) and the offers come back
// as a copy.
//
// Protocol on stdin, one command per line, answers one line each on stdout:
//   first line: {"request": {...}, "catalog": {...}}  -> "ready"
//   "check"    -> the offers of one call, JSON
//   "round N"  -> N calls, a JSON array of their durations in nanoseconds
'use strict';
const vm = require('node:vm');
const readline = require('node:readline');

const BIDDER = new vm.Script(`
(function () {
  const request = JSON.parse(requestJson);
  const catalog = JSON.parse(catalogJson);
  function number(key) {
    const raw = catalog[key];
    if (raw === undefined) throw { catalog: "missing key \`" + key + "\`" };
    const n = Number(String(raw).trim());
    if (!Number.isInteger(n) || n < 0) throw { catalog: "key \`" + key + "\` is not a number: \`" + raw + "\`" };
    return n;
  }
  function isUnder(category, prefix) {
    if (!category.startsWith(prefix)) return false;
    const rest = category.slice(prefix.length);
    return rest === "" || rest.startsWith("/");
  }
  function offer(sku, title) {
    return { sku, title, kind: "purchase", quantity: request.quantity, price_minor: 0,
             currency: request.currency, delivery_days: 0, services: [], labels: [],
             carbon_grams: null, message: null };
  }
  function yogurt() {
    if (request.quantity.unit !== "piece") throw { unserviceable: "yogurt is sold by the jar" };
    const jars = Math.max(request.quantity.amount, 1);
    const delivery = number("delivery.days");
    const period = number("subscription.period-days");
    const sub = offer("YOG-JAR-SUB", "Organic yogurt, weekly, in returnable glass jars");
    sub.kind = "subscription";
    sub.price_minor = jars * number("yogurt.subscription-price");
    sub.delivery_days = delivery;
    sub.services.push({ subscription: { period_days: period, cancel_anytime: true } });
    sub.services.push({ returnable_packaging: { deposit_minor: number("yogurt.jar-deposit") } });
    sub.labels.push("organic", "refill");
    sub.carbon_grams = 90 * request.quantity.amount;
    sub.message = "Jars collected at your next delivery; skip or stop any week.";
    const once = offer("YOG-JAR-1", "Organic yogurt in glass jars");
    once.price_minor = jars * number("yogurt.one-off-price");
    once.delivery_days = delivery;
    once.services.push({ returnable_packaging: { deposit_minor: number("yogurt.jar-deposit") } });
    once.labels.push("organic");
    once.carbon_grams = 110 * request.quantity.amount;
    return [sub, once];
  }
  function milk() {
    if (request.quantity.unit !== "millilitre") throw { unserviceable: "milk is sold by volume" };
    const litres = Math.max(Math.ceil(request.quantity.amount / 1000), 1);
    const o = offer("MILK-1L", "Whole milk, returnable litre bottles");
    o.quantity = { amount: litres * 1000, unit: "millilitre" };
    o.price_minor = litres * number("milk.litre-price");
    o.delivery_days = number("delivery.days");
    o.services.push({ returnable_packaging: { deposit_minor: 0 } });
    o.labels.push("refill");
    o.carbon_grams = 400 * litres;
    return [o];
  }
  try {
    return JSON.stringify({ ok: isUnder(request.category, "food/dairy/yogurt") ? yogurt() : milk() });
  } catch (e) {
    return JSON.stringify({ err: e });
  }
})()
`);

let input = null;

function call() {
  const context = vm.createContext({ requestJson: input.request, catalogJson: input.catalog });
  return JSON.parse(BIDDER.runInContext(context));
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (input === null) {
    const parsed = JSON.parse(line);
    input = { request: JSON.stringify(parsed.request), catalog: JSON.stringify(parsed.catalog) };
    process.stdout.write('ready\n');
  } else if (line === 'check') {
    process.stdout.write(JSON.stringify(call()) + '\n');
  } else if (line.startsWith('round ')) {
    const n = Number(line.slice(6));
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const started = process.hrtime.bigint();
      call();
      out[i] = Number(process.hrtime.bigint() - started);
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } else {
    process.stderr.write('unknown command: ' + line + '\n');
    process.exit(2);
  }
});
