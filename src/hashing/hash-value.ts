/**
 * Canonical content hashing of run-time values. Placeholder: JSON-based until the canonical,
 * type-tagged streaming hasher lands.
 */
import { hashString } from "./xxhash.js";

/** Thrown when a value cannot be hashed stably (a Symbol, a WeakMap, a Promise, a socket…). */
export class UnhashableValueError extends Error {
  /** Where in the value the offending part sits, e.g. `.options.signal`. Empty for the root. */
  readonly path: string;
  constructor(message: string, path: string) {
    super(message);
    this.name = "UnhashableValueError";
    this.path = path;
  }
}

export function hashValue(value: unknown): string {
  return hashString(typeof value + ":" + JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)));
}
