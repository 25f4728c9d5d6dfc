// The contract's values (wit/v0.1/types.wit) as the component bindings
// give them: camelCase fields, enums as their WIT names ("purchase"),
// u64 as BigInt, options as `undefined`, variants as `{ tag, val }`.
// Plugins build offers with `request.offer(sku, title)` and chained setters.

/** Most characters in an offer's title; the SDK cuts longer ones. */
export const MAX_TITLE_CHARS = 120;
/** Most characters in an offer's message; the SDK cuts longer ones. */
export const MAX_MESSAGE_CHARS = 280;

/** `text` cut to its first `max` characters (Unicode scalar values). */
export function cut(text, max) {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join("");
}

const big = (value, what) => {
  if (typeof value === "bigint") return value;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Internal(`${what} must be a non-negative whole number, got ${value}`);
  }
  return BigInt(value);
};

/** Services around an offer, as the contract's `service` variant. */
export const Service = {
  deliverySlot: (day, startHour, endHour) => ({ tag: "delivery-slot", val: { day, startHour, endHour } }),
  subscription: (periodDays, cancelAnytime = true) => ({ tag: "subscription", val: { periodDays, cancelAnytime } }),
  returnablePackaging: (depositMinor) => ({ tag: "returnable-packaging", val: big(depositMinor, "a deposit") }),
  takeBack: (creditMinor) => ({ tag: "take-back", val: big(creditMinor, "a credit") }),
  repairMonths: (months) => ({ tag: "repair-months", val: months }),
  warrantyMonths: (months) => ({ tag: "warranty-months", val: months }),
  rentalDays: (days) => ({ tag: "rental-days", val: days }),
  loyaltyMinor: (creditMinor) => ({ tag: "loyalty-minor", val: big(creditMinor, "a credit") }),
  advice: (text) => ({ tag: "advice", val: text }),
};

/** One offer under construction; `request.offer(sku, title)` makes one. */
export class Offer {
  constructor(sku, title, quantity, currency) {
    this.sku = sku;
    this.title = title;
    this.kind = "purchase";
    this.quantity = quantity;
    this.priceMinor = 0n;
    this.currency = currency;
    this.deliveryDays = 0;
    this.services = [];
    this.labels = [];
    this.carbonGrams = undefined;
    this.message = undefined;
  }
  /** `purchase`, `subscription`, `rental`, `refurbished` or `repair-service`. */
  withKind(kind) { this.kind = kind; return this; }
  /** The total price for the offer's quantity, in minor units (number or BigInt). */
  withPrice(minor) { this.priceMinor = big(minor, "a price"); return this; }
  withQuantity(quantity) { this.quantity = quantity; return this; }
  withDeliveryDays(days) { this.deliveryDays = days; return this; }
  withService(service) { this.services.push(service); return this; }
  withLabel(label) { this.labels.push(label); return this; }
  withCarbonGrams(grams) { this.carbonGrams = grams; return this; }
  /** A short note to the household (plain text, cut to 280 characters). */
  withMessage(message) { this.message = message; return this; }

  /** The offer as the contract's record, texts cut to the platform's limits. */
  toRecord() {
    return {
      sku: this.sku,
      title: cut(this.title, MAX_TITLE_CHARS),
      kind: this.kind,
      quantity: this.quantity,
      priceMinor: this.priceMinor,
      currency: this.currency,
      deliveryDays: this.deliveryDays,
      services: this.services,
      labels: this.labels,
      carbonGrams: this.carbonGrams,
      message: this.message === undefined ? undefined : cut(this.message, MAX_MESSAGE_CHARS),
    };
  }
}

/** A minimised request, with `offer(sku, title)` to start an offer for it. */
export function withOfferBuilder(record) {
  return Object.freeze({
    ...record,
    offer(sku, title) {
      return new Offer(sku, title, record.quantity, record.currency);
    },
  });
}

/** Why a brand does not bid: throw one (or a subclass) from `offers`. */
export class BidError extends Error {
  constructor(detail = "", tag = "internal") {
    super(detail);
    this.tag = tag;
    this.detail = detail;
  }
  /** The contract's `bid-error` variant. */
  toVariant() {
    return this.tag === "out-of-stock" ? { tag: this.tag } : { tag: this.tag, val: this.detail };
  }
}
/** The brand does not serve the category. */
export class UnsupportedCategory extends BidError {
  constructor(detail) { super(detail, "unsupported-category"); }
}
/** Nothing to offer right now. */
export class OutOfStock extends BidError {
  constructor() { super("", "out-of-stock"); }
}
/** The catalog is missing a key or holds a bad value. */
export class CatalogError extends BidError {
  constructor(detail) { super(detail, "catalog"); }
}
/** The request cannot be served (unit, region, window). */
export class Unserviceable extends BidError {
  constructor(detail) { super(detail, "unserviceable"); }
}
/** Anything else. */
export class Internal extends BidError {
  constructor(detail) { super(detail, "internal"); }
}

/** Whether `category` is `prefix` or lies below it (whole path segments). */
export function categoryIsUnder(category, prefix) {
  const p = prefix.replace(/\/+$/, "");
  if (!category.startsWith(p)) return false;
  const rest = category.slice(p.length);
  return rest === "" || rest.startsWith("/");
}
