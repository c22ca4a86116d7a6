/**
 * `MemoryCache`: results kept in this process only, for the life of the object.
 *
 * Values are stored as they are (no serialisation), so anything a function returns can be
 * cached, including functions and class instances; a hit returns the very same object the
 * miss produced. Every method is synchronous so a hit costs two map lookups and no microtask.
 */
import type { CacheBackend, CacheEntry, NodeSignature } from "./types.js";

export class MemoryCache implements CacheBackend {
  readonly #signatures = new Map<string, NodeSignature>();
  readonly #entries = new Map<string, CacheEntry>();

  getMeta(nodeName: string): NodeSignature | undefined {
    return this.#signatures.get(nodeName);
  }

  setMeta(signature: NodeSignature): void {
    this.#signatures.set(signature.nodeName, signature);
  }

  /** The stored entry, or `undefined` when absent (a stored `undefined` value is an entry). */
  getBlob(key: string): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  setBlob(key: string, entry: CacheEntry): void {
    this.#entries.set(key, entry);
  }

  clear(): void {
    this.#signatures.clear();
    this.#entries.clear();
  }

  /** Number of stored results (one per distinct signature). */
  get size(): number {
    return this.#entries.size;
  }
}
