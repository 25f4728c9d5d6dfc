// The two things a plugin may ask of the host: its catalog and a log.
// Inside a component the entry module routes them to the WIT imports
// (`useHost`); under `node --test` they use the test harness's catalog
// and record the log.

const LEVELS = ["trace", "debug", "info", "warn", "error"];

export const local = { catalog: new Map(), logs: [] };

let hostGet = (key) => local.catalog.get(key);
let hostLog = (level, message) => { local.logs.push([level, message]); };

/** Route catalog reads and logs to the host (the build's entry module does). */
export function useHost(get, log) {
  hostGet = get;
  hostLog = log;
}

import { CatalogError } from "./model.js";

/** Read the brand's catalog (values are strings). */
export const catalog = {
  /** The value under `key`, or `undefined`. */
  get: (key) => hostGet(key) ?? undefined,
  /** The value under `key`; a missing key throws `CatalogError`. */
  require(key) {
    const value = hostGet(key);
    if (value === undefined || value === null) throw new CatalogError(`missing catalog key \`${key}\``);
    return value;
  },
  /** The value under `key` as a non-negative whole number. */
  number: (key) => parseNumber(key, catalog.require(key)),
  /** A price in minor units (cents), as a BigInt. */
  minor: (key) => parseMinor(key, catalog.require(key)),
  /** Whether the value under `key` is `true` (absent: false). */
  flag: (key) => (hostGet(key) ?? "").trim().toLowerCase() === "true",
};

/** `value` (under `key`) as a non-negative whole number. */
export function parseNumber(key, value) {
  const digits = value.trim();
  if (!/^[0-9]+$/.test(digits)) throw new CatalogError(`catalog key \`${key}\` is not a whole number: ${digits}`);
  return Number(digits);
}

/** `value` (under `key`) as a price in minor units, a BigInt. */
export function parseMinor(key, value) {
  const digits = value.trim();
  if (!/^[0-9]+$/.test(digits)) throw new CatalogError(`catalog key \`${key}\` is not a price in minor units: ${digits}`);
  return BigInt(digits);
}

/** Write diagnostics; the host keeps a bounded number per call. */
export const log = {
  log(level, message) {
    if (!LEVELS.includes(level)) throw new Error(`unknown log level ${level}; use one of ${LEVELS.join(", ")}`);
    hostLog(level, String(message));
  },
  trace: (m) => log.log("trace", m),
  debug: (m) => log.log("debug", m),
  info: (m) => log.log("info", m),
  warn: (m) => log.log("warn", m),
  error: (m) => log.log("error", m),
};
