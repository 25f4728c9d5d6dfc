// Types of @vitrine/brand. The contract's records come from the WIT
// (`npm run types` regenerates ./wit from wit/v0.1 with `jco types`).

import type {
  BrandInfo,
  OfferKind,
  OfferRequest,
  Offer as OfferRecord,
  Quantity,
  Service as ServiceVariant,
  BidError as BidErrorVariant,
} from "./wit/interfaces/vitrine-brand-types.js";

export type { BrandInfo, OfferKind, OfferRequest, OfferRecord, Quantity, ServiceVariant, BidErrorVariant };

export declare const MAX_TITLE_CHARS: 120;
export declare const MAX_MESSAGE_CHARS: 280;

/** A request as a plugin receives it, with `offer(sku, title)`. */
export interface Request extends OfferRequest {
  offer(sku: string, title: string): Offer;
}

/** One offer under construction. */
export declare class Offer {
  constructor(sku: string, title: string, quantity: Quantity, currency: string);
  sku: string;
  title: string;
  kind: OfferKind;
  quantity: Quantity;
  priceMinor: bigint;
  currency: string;
  deliveryDays: number;
  services: ServiceVariant[];
  labels: string[];
  carbonGrams: number | undefined;
  message: string | undefined;
  withKind(kind: OfferKind): this;
  /** The total price for the offer's quantity, in minor units. */
  withPrice(minor: number | bigint): this;
  withQuantity(quantity: Quantity): this;
  withDeliveryDays(days: number): this;
  withService(service: ServiceVariant): this;
  withLabel(label: string): this;
  withCarbonGrams(grams: number): this;
  /** A short note to the household (plain text, cut to 280 characters). */
  withMessage(message: string): this;
  /** The contract's record, texts cut to the platform's limits. */
  toRecord(): OfferRecord;
}

export declare const Service: {
  deliverySlot(day: number, startHour: number, endHour: number): ServiceVariant;
  subscription(periodDays: number, cancelAnytime?: boolean): ServiceVariant;
  returnablePackaging(depositMinor: number | bigint): ServiceVariant;
  takeBack(creditMinor: number | bigint): ServiceVariant;
  repairMonths(months: number): ServiceVariant;
  warrantyMonths(months: number): ServiceVariant;
  rentalDays(days: number): ServiceVariant;
  loyaltyMinor(creditMinor: number | bigint): ServiceVariant;
  advice(text: string): ServiceVariant;
};

/** Why a brand does not bid: throw one from `offers`. */
export declare class BidError extends Error {
  constructor(detail?: string, tag?: BidErrorVariant["tag"]);
  tag: BidErrorVariant["tag"];
  detail: string;
  toVariant(): BidErrorVariant;
}
export declare class UnsupportedCategory extends BidError {
  constructor(detail: string);
}
export declare class OutOfStock extends BidError {
  constructor();
}
export declare class CatalogError extends BidError {
  constructor(detail: string);
}
export declare class Unserviceable extends BidError {
  constructor(detail: string);
}
export declare class Internal extends BidError {
  constructor(detail: string);
}

/** What `defineBrand` takes. */
export interface BrandSpec {
  /** Taxonomy paths served, such as `home/flowers`. */
  categories: string[];
  /** Answer one request; throw a `BidError` to say why not. */
  offers(request: Request): Offer[];
  name?: string;
  version?: string;
  contact?: string;
  serves?(category: string): boolean;
}

export interface Brand extends Required<Omit<BrandSpec, "name">> {
  name?: string;
}

export declare function defineBrand(spec: BrandSpec): Brand;
export declare function describe(brand: Brand): BrandInfo;
export declare function answer(brand: Brand, request: OfferRequest): OfferRecord[];
export declare function bidderFor(brand: Brand): {
  describe(): BrandInfo;
  offers(request: OfferRequest): OfferRecord[];
};
export declare function useHost(
  get: (key: string) => string | undefined,
  log: (level: string, message: string) => void,
): void;
/**
 * Runs the SDK's own paths once (never the brand's code, never the host):
 * the build calls it before the component's snapshot is taken, so that a
 * call's fresh instance starts with them compiled.
 */
export declare function warmUp(): void;
export declare function categoryIsUnder(category: string, prefix: string): boolean;
export declare function cut(text: string, max: number): string;

export declare const catalog: {
  get(key: string): string | undefined;
  require(key: string): string;
  number(key: string): number;
  minor(key: string): bigint;
  flag(key: string): boolean;
};

export declare const log: {
  log(level: "trace" | "debug" | "info" | "warn" | "error", message: string): void;
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};
