/**
 * The disk cache: `import { DiskCache } from "./cache/disk/index.js"`.
 */
export { DiskCache, DEFAULT_CACHE_DIR, DEFAULT_MAX_SIZE, type DiskCacheOptions, type FlushReport, type PruneOptions, type PruneResult } from "./disk-cache.js";
export { NotStorableError } from "./not-storable-error.js";
export type { DiskCacheStats, NodeUsage, StoredEntryInfo } from "./inspect.js";
