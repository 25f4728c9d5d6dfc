/** @module Interface vitrine:brand/logging@0.1.0 **/
/**
 * Record one log entry.
 */
export function log(level: Level, message: string): void;
/**
 * How important a log entry is.
 * # Variants
 * 
 * ## `"trace"`
 * 
 * Fine-grained tracing.
 * ## `"debug"`
 * 
 * Developer diagnostics.
 * ## `"info"`
 * 
 * Normal operation.
 * ## `"warn"`
 * 
 * Something unexpected that the plugin handled.
 * ## `"error"`
 * 
 * Something the plugin could not handle.
 */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
