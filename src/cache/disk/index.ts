/**
 * The disk cache: `import { DiskCache } from "./cache/disk/index.js"`.
 *
 * Protocol (synchronous): getBlob, setBlob (throws NotStorableError), getMeta, setMeta, clear,
 * flush. For the `daft cache` commands:
 * - `entries()`: every stored entry (key, nodeName, bytes, createdAt, lastAccess, signature when
 *   it is still the latest one of its node);
 * - `stats()`: entries and bytes overall and per node (a mapped node's items together);
 * - `signatures()` / `getMeta(nodeName)`: the latest signature per node, for `explain`;
 * - `hasBlob(key)`: whether a value is stored, without reading it;
 * - `getMany(keys)` / `setMany(writes)`: the protocol's bulk lookup and store;
 * - `legacyFiles()`: files of the earlier one-file-per-value format still in the directory;
 * - `prune({ maxSize?, maxAge? })`: evicts, returns what was removed;
 * - `clear()`: removes everything the cache created, nothing else;
 * - `clearNode(node)`: removes one node's results and signatures (`output`, or `output::itemKey`
 *   for one item), in one write transaction; other nodes' entries stay;
 * - `lastFlush`: what the last `flush()` did (signatures and uses written, eviction).
 */
export { DiskCache, DEFAULT_CACHE_DIR, DEFAULT_MAX_SIZE, type ClearNodeResult, type DiskCacheOptions, type FlushReport, type PruneOptions, type PruneResult } from "./disk-cache.js";
export { NotStorableError } from "../values/not-storable-error.js";
export type { DiskCacheStats, NodeUsage, StoredEntryInfo } from "./inspect.js";
