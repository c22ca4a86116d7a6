/**
 * The cache module: the backend protocol, the two built-in backends and the error a backend
 * throws for a value it cannot store.
 */
export type { BlobWrite, CacheBackend, CacheEntry, MaybePromise, NodeSignature, SignatureParts } from "./types.js";
export { MemoryCache } from "./memory.js";
export {
  DiskCache,
  NotStorableError,
  type ClearNodeResult,
  type DiskCacheOptions,
  type DiskCacheStats,
  type FlushReport,
  type NodeUsage,
  type PruneOptions,
  type PruneResult,
  type StoredEntryInfo,
} from "./disk/index.js";
