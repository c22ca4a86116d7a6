/**
 * Whatever a backend returns is checked before the runner uses it: the backend may be a user's,
 * a network store or files another process wrote. An entry or a signature whose fields have the
 * wrong types is read as absent (a miss, overwritten by the new result), never trusted and never
 * a crash. The field checks are the cache module's (stored-shapes.ts); this adds what only the
 * runner knows, the shape a whole mapped node's entry must have.
 */
import type { CacheEntry } from "../cache/types.js";

export { entryProblem, isNodeSignature as isSignature } from "../cache/stored-shapes.js";

/** For a mapped node cached as a whole: its output has one element (and one item hash) per item. */
export function wholeEntryProblem(entry: CacheEntry, items: number): string | undefined {
  if (!Array.isArray(entry.value) || entry.value.length !== items) return `its value is not an array of ${items} items`;
  if (entry.itemHashes !== undefined && entry.itemHashes.length !== items) return `its itemHashes do not have ${items} elements`;
  return undefined;
}
