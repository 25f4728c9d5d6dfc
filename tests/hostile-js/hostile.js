// A hostile plugin in JavaScript, written against the raw bindings and
// built with StarlingMonkey's default features (so it imports wasi:http,
// clocks, randomness and stdio, as `jco componentize` makes it by
// default). The request's category picks the attack:
//
// - `hostile/loop`: loops forever.
// - `hostile/memory`: allocates until memory runs out.
// - `hostile/fetch`: tries an outgoing HTTP request (the network).
// - `hostile/huge`: answers one offer with a 10 MB title.
// - `hostile/flood`: answers 100,000 offers.

const offer = (request, title) => ({
  sku: "X",
  title,
  kind: "purchase",
  quantity: request.quantity,
  priceMinor: 100n,
  currency: request.currency,
  deliveryDays: 0,
  services: [],
  labels: [],
  carbonGrams: undefined,
  message: undefined,
});

export const bidder = {
  describe() {
    return { name: "hostile-js", version: "0.1.0", categories: ["hostile"], contact: "attacker@example.com" };
  },
  offers(request) {
    const attack = request.category.replace(/^hostile\//, "");
    if (attack === "loop") {
      let n = 0;
      for (;;) n++;
    }
    if (attack === "memory") {
      const hoard = [];
      for (;;) hoard.push(new Uint8Array(16 << 20));
    }
    if (attack === "fetch") {
      // Sending starts synchronously inside fetch(): the host refuses it.
      fetch("http://127.0.0.1:5432/");
      throw { payload: { tag: "internal", val: "fetch returned" } };
    }
    if (attack === "huge") return [offer(request, "x".repeat(10 << 20))];
    if (attack === "flood") return Array.from({ length: 100000 }, () => offer(request, "flood"));
    throw { payload: { tag: "unsupported-category", val: request.category } };
  },
};
