// Types of @vitrine/brand/testing.

import type { Brand, OfferRecord, OfferRequest } from "./index.js";

export declare class OfferRefused extends Error {}

export interface RequestOptions {
  need?: "replenishment" | "seasonal" | "desire";
  amount?: number;
  unit?: "piece" | "gram" | "millilitre";
  earliestDay?: number;
  latestDay?: number;
  region?: { country: string; postalPrefix: string };
  budget?: { minMinor: bigint; maxMinor: bigint };
  currency?: string;
  labels?: string[];
  maxOffers?: number;
}

export declare function request(category: string, options?: RequestOptions): OfferRequest;
export declare function loadRequest(path: string): OfferRequest;
export declare function loadCatalog(path: string): Record<string, string>;
export declare function withCatalog<R>(entries: Record<string, string>, f: () => R): R;
export declare function takeLogs(): [string, string][];
export declare function checkOffer(request: OfferRequest, offer: OfferRecord, catalog: Record<string, string>): void;
export declare function run(brand: Brand, request: OfferRequest, catalog?: Record<string, string>): OfferRecord[];
