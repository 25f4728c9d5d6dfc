/** @module Interface vitrine:brand/catalog@0.1.0 **/
/**
 * The value stored under `key`, or none when the key is absent.
 */
export function get(key: string): string | undefined;
