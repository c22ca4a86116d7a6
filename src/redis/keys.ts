/**
 * Where a RedisCache keeps things, all under its prefix: one string per entry
 * (`<prefix>blob:<key>`) and one hash of the latest signature per node (`<prefix>meta`).
 */
export function blobKeyOf(prefix: string, key: string): string {
  return `${prefix}blob:${key}`;
}

export function metaKeyOf(prefix: string): string {
  return `${prefix}meta`;
}

/** A SCAN MATCH pattern for every key under `prefix`, taken literally (`*`, `?`, `[` escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
}
