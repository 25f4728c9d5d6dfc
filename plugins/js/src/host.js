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
  number(key) {
    const value = catalog.require(key).trim();
    if (!/^[0-9]+$/.test(value)) throw new CatalogError(`catalog key \`${key}\` is not a whole number: ${value}`);
    return Number(value);
  },
  /** A price in minor units (cents), as a BigInt. */
  minor(key) {
    const value = catalog.require(key).trim();
    if (!/^[0-9]+$/.test(value)) throw new CatalogError(`catalog key \`${key}\` is not a price in minor units: ${value}`);
    return BigInt(value);
  },
  /** Whether the value under `key` is `true` (absent: false). */
  flag: (key) => (hostGet(key) ?? "").trim().toLowerCase() === "true",
};

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
