/**
 * `DiskCache`: results persisted in a directory, shared by every process that uses it.
 *
 * Every method is synchronous (plain return values, no promises), so a hit costs one file read
 * and no microtask. What is written where:
 * - `setBlob` writes the value file immediately and atomically (blob-store.ts): a crash never
 *   loses a computed result;
 * - `setMeta` and hits (as uses, for eviction) are kept in memory and persisted by `flush()`,
 *   which the runner calls once per run, and on process exit if nobody did (exit-flush.ts);
 * - `flush()` also adds what was written to the shared size estimate and, when it crosses
 *   `maxSize` (or a rescan is due), evicts the least recently used entries (eviction.ts).
 *
 * Several processes may read, write, flush and evict the same directory at once: values are
 * replaced by rename, metadata is merged by compare-and-swap (versioned-docs.ts), eviction is
 * serialised by a lock that survives a killed holder (process-lock.ts).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { CacheBackend, CacheEntry, NodeSignature } from "../types.js";
import { removeQuietly } from "../../fs/atomic-write.js";
import { abandonedTempsIn, scanBlobs, type ScannedBlob } from "./blob-scan.js";
import { BlobStore } from "./blob-store.js";
import { clearCacheFiles } from "./clear-files.js";
import { planEviction, removeBlobs, type EvictionLimits } from "./eviction.js";
import { flushOnExit, nothingToFlushOnExit } from "./exit-flush.js";
import { describeEntry, summarise, type DiskCacheStats, type StoredEntryInfo } from "./inspect.js";
import { blobIdOf, blobPath, layoutOf, type CacheLayout } from "./layout.js";
import { MetaStore } from "./meta-store.js";
import { acquireLock, tryAcquireLock, type HeldLock } from "./process-lock.js";
import { addToSizeEstimate, readSizeEstimate, recordMeasuredSize, type SizeEstimate } from "./size-estimate.js";
import { VersionedDocs } from "./versioned-docs.js";
import { debugCache } from "../../debug/index.js";

export interface DiskCacheOptions {
  /** Directory of the cache, resolved against the working directory at construction. Default `.cache`. */
  cacheDir?: string;
  /**
   * Total bytes of stored values to keep; beyond it the least recently used are evicted (down to
   * 90%, so eviction does not run again on the next write). Default 5 GiB; `Infinity` disables.
   */
  maxSize?: number;
  /**
   * Entries not used (read or written) for this many milliseconds are evicted. Default: none.
   * Entries are addressed by their signature and never go stale, so age only matters to
   * reclaim space, which `maxSize` already bounds.
   */
  maxAge?: number;
  /** Persist pending metadata and uses when the process exits without a `flush()`. Default true. */
  flushOnExit?: boolean;
}

export const DEFAULT_CACHE_DIR = ".cache";
export const DEFAULT_MAX_SIZE = 5 * 1024 ** 3;
/** Eviction brings the total down to this fraction of `maxSize`. */
const LOW_WATER = 0.9;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Evicting 1M entries takes seconds; a lock older than this has certainly been abandoned. */
const EVICTION_LOCK_STALE_MS = 10 * 60 * 1000;
/** How long an explicit `prune()` waits for another process's eviction to finish. */
const PRUNE_LOCK_TIMEOUT_MS = 30_000;

export interface FlushReport {
  /** Signatures persisted. */
  signatures: number;
  /** Hit entries whose last-use time was persisted. */
  uses: number;
  /** Set when this flush evicted. */
  evicted?: PruneResult;
}

export interface PruneOptions extends EvictionLimits {}

export interface PruneResult {
  /** The entries removed, least recently used first. */
  removed: StoredEntryInfo[];
  removedBytes: number;
  remainingEntries: number;
  remainingBytes: number;
}

export class DiskCache implements CacheBackend {
  /** Absolute path of the cache directory. */
  readonly cacheDir: string;
  readonly maxSize: number;
  readonly maxAge: number | undefined;
  /** What the last `flush()` did (the protocol's flush returns nothing). */
  lastFlush: FlushReport | undefined;

  readonly #layout: CacheLayout;
  readonly #blobs: BlobStore;
  readonly #meta: MetaStore;
  readonly #docs: VersionedDocs;
  readonly #flushOnExit: boolean;
  /** The key of the last value stored per node, paired with the signature `setMeta` records next. */
  readonly #lastKeyOfNode = new Map<string, string>();

  constructor(options: DiskCacheOptions = {}) {
    const { cacheDir = DEFAULT_CACHE_DIR, maxSize = DEFAULT_MAX_SIZE, maxAge } = options;
    if (typeof cacheDir !== "string" || cacheDir === "") throw new TypeError(`DiskCache: cacheDir must be a non-empty path, got ${String(cacheDir)}`);
    if (typeof maxSize !== "number" || !(maxSize >= 0)) throw new TypeError(`DiskCache: maxSize must be a number of bytes ≥ 0 (or Infinity), got ${String(maxSize)}`);
    if (maxAge !== undefined && (typeof maxAge !== "number" || !(maxAge >= 0))) {
      throw new TypeError(`DiskCache: maxAge must be a number of milliseconds ≥ 0, got ${String(maxAge)}`);
    }
    this.cacheDir = resolve(cacheDir);
    this.maxSize = maxSize;
    this.maxAge = maxAge === Infinity ? undefined : maxAge;
    this.#layout = layoutOf(this.cacheDir);
    this.#blobs = new BlobStore(this.#layout);
    this.#meta = new MetaStore(this.#layout.meta);
    this.#docs = new VersionedDocs(this.#layout.meta);
    this.#flushOnExit = options.flushOnExit ?? true;
  }

  // ---- CacheBackend -------------------------------------------------------------------------

  getMeta(nodeName: string): NodeSignature | undefined {
    return this.#meta.get(nodeName)?.signature;
  }

  setMeta(signature: NodeSignature): void {
    if (signature === null || typeof signature !== "object" || typeof signature.nodeName !== "string") {
      throw new TypeError("DiskCache.setMeta: expected a NodeSignature with a string nodeName");
    }
    const blobKey = this.#lastKeyOfNode.get(signature.nodeName);
    this.#lastKeyOfNode.delete(signature.nodeName);
    this.#meta.set(blobKey === undefined ? { signature } : { signature, blobKey });
    this.#pendingForExit();
  }

  /** The stored entry, or undefined when absent or unreadable. A stored `undefined` is an entry. */
  getBlob(key: string): CacheEntry | undefined {
    const entry = this.#blobs.read(key);
    if (entry && this.#blobs.hasPendingUses) this.#pendingForExit();
    return entry;
  }

  /** Stores the entry; throws NotStorableError (nothing written) if it cannot be stored faithfully. */
  setBlob(key: string, entry: CacheEntry): void {
    this.#blobs.write(key, entry);
    if (typeof entry.nodeName === "string") this.#lastKeyOfNode.set(entry.nodeName, key);
    this.#pendingForExit();
  }

  /** Removes every value, signature and lock this cache created; other files in the directory stay. */
  clear(): void {
    if (debugCache.enabled) debugCache(`clear ${this.cacheDir}`);
    clearCacheFiles(this.#layout);
    this.#meta.clear();
    this.#blobs.forgetUses();
    this.#blobs.takeBytesWritten();
    this.#lastKeyOfNode.clear();
    nothingToFlushOnExit(this);
  }

  /**
   * Persists pending signatures and uses, updates the shared size estimate, and evicts when the
   * estimate exceeds `maxSize` or a rescan is due (at most one process evicts at a time; the
   * others skip). Called by the runner at the end of every run.
   */
  flush(): void {
    nothingToFlushOnExit(this);
    const report: FlushReport = { signatures: this.#meta.flush(), uses: this.#blobs.persistUses() };
    const evicted = this.#evictIfDue(this.#blobs.takeBytesWritten());
    if (evicted) report.evicted = evicted;
    this.lastFlush = report;
    if (debugCache.enabled) debugCache(`flush ${this.cacheDir}: ${report.signatures} signatures, ${report.uses} uses${evicted ? `, evicted ${evicted.removed.length} entries (${evicted.removedBytes} bytes)` : ""}`);
  }

  /** @internal The exit-time flush: no eviction (exit must stay quick), nothing if the directory is gone. */
  flushForExit(): void {
    if (!existsSync(this.cacheDir)) return;
    this.#meta.flush();
    this.#blobs.persistUses();
    const bytes = this.#blobs.takeBytesWritten();
    if (bytes > 0 && this.#limited()) addToSizeEstimate(this.#docs, bytes);
  }

  // ---- inspection and maintenance (the `daft cache` commands) --------------------------------

  /** Every stored entry, sorted by node name then key. Reads a few hundred bytes per entry. */
  entries(): StoredEntryInfo[] {
    const signatures = this.#meta.all();
    const entries = scanBlobs(this.#layout).blobs.map((blob) => describeEntry(blob, signatures));
    return entries.sort((a, b) => compare(a.nodeName ?? "", b.nodeName ?? "") || compare(a.key, b.key));
  }

  /** Totals: entries and bytes overall and per node (a mapped node's items count together). */
  stats(): DiskCacheStats {
    return summarise(this.cacheDir, this.entries());
  }

  /** The latest signature recorded for each node name (what `explain` compares a run against). */
  signatures(): NodeSignature[] {
    return [...this.#meta.all().values()].map((record) => record.signature).sort((a, b) => compare(a.nodeName, b.nodeName));
  }

  /** Whether a value is stored under `key`, without reading it. */
  hasBlob(key: string): boolean {
    return existsSync(blobPath(this.#layout, blobIdOf(key)));
  }

  /**
   * Removes entries unused for longer than `maxAge`, then the least recently used until the
   * total is at most `maxSize`, plus temp files of dead writers; signatures older than `maxAge`
   * are dropped too. Without options, the cache's own limits apply; with options, only the limits
   * given do (`prune({ maxAge })` does not also enforce `maxSize`). Waits (up to 30 s) for
   * another process's eviction to end, then throws LockBusyError naming it.
   */
  prune(options: PruneOptions = { maxSize: this.maxSize, maxAge: this.maxAge }): PruneResult {
    this.#blobs.persistUses(); // this process's hits count as uses before anything is chosen
    const lock = acquireLock(this.#evictionLockPath(), { staleMs: EVICTION_LOCK_STALE_MS, timeoutMs: PRUNE_LOCK_TIMEOUT_MS });
    try {
      const now = Date.now();
      const result = this.#evict(options, options.maxSize, now, true);
      if (options.maxAge !== undefined && Number.isFinite(options.maxAge)) this.#meta.dropOlderThan(now - options.maxAge);
      if (debugCache.enabled) debugCache(`prune ${this.cacheDir} (maxSize ${options.maxSize}, maxAge ${options.maxAge}): removed ${result.removed.length}, ${result.remainingEntries} remain`);
      return result;
    } finally {
      lock.release();
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  #limited(): boolean {
    return Number.isFinite(this.maxSize) || this.maxAge !== undefined;
  }

  #evictIfDue(bytesWritten: number): PruneResult | undefined {
    if (!this.#limited()) return undefined;
    // A run that only hit and has no age limit cannot have pushed the cache over a limit.
    if (bytesWritten === 0 && this.maxAge === undefined) return undefined;
    if (!existsSync(this.#layout.blobs)) return undefined; // nothing stored: do not create the directory
    const estimate: SizeEstimate = bytesWritten > 0 ? addToSizeEstimate(this.#docs, bytesWritten) : readSizeEstimate(this.#docs);
    const now = Date.now();
    const rescanEvery = this.maxAge === undefined ? DAY_MS : Math.min(DAY_MS, Math.max(1000, this.maxAge / 10));
    const due =
      estimate.scannedAt === undefined || now - estimate.scannedAt > rescanEvery || (estimate.bytes ?? Infinity) > this.maxSize;
    if (!due) return undefined;
    let lock: HeldLock | undefined;
    try {
      lock = tryAcquireLock(this.#evictionLockPath(), { staleMs: EVICTION_LOCK_STALE_MS });
    } catch {
      return undefined;
    }
    if (!lock) return undefined; // another process is evicting right now
    try {
      return this.#evict({ maxSize: this.maxSize, maxAge: this.maxAge }, undefined, now, false);
    } finally {
      lock.release();
    }
  }

  /**
   * One eviction pass (the caller holds the eviction lock). `targetSize` undefined means "the
   * low-water mark if over maxSize", used by automatic eviction.
   */
  #evict(limits: EvictionLimits, targetSize: number | undefined, now: number, describe: boolean): PruneResult {
    const addedBeforeScan = readSizeEstimate(this.#docs).added;
    const scan = scanBlobs(this.#layout, now);
    for (const temp of [...scan.abandonedTemps, ...abandonedTempsIn(this.#layout.meta, now), ...abandonedTempsIn(this.#layout.locks, now)]) {
      removeQuietly(temp);
    }
    const total = sum(scan.blobs);
    const maxSize = limits.maxSize ?? Infinity;
    const target = targetSize ?? (total > maxSize ? Math.floor(maxSize * LOW_WATER) : maxSize);
    const plan = planEviction(scan.blobs, limits, now, target);
    plan.remove.sort((a, b) => a.lastAccess - b.lastAccess);
    // Describing reads each file's info block, so it is done only for what is about to go.
    const signatures = describe && plan.remove.length > 0 ? this.#meta.all() : undefined;
    const described = signatures ? new Map(plan.remove.map((blob) => [blob, describeEntry(blob, signatures)])) : undefined;
    const removed = removeBlobs(plan.remove);
    const kept = scan.blobs.length - removed.length;
    const remainingBytes = total - sum(removed);
    recordMeasuredSize(this.#docs, remainingBytes, now, addedBeforeScan);
    return {
      removed: removed.map((blob) => described?.get(blob) ?? { key: blob.id, bytes: blob.bytes, lastAccess: blob.lastAccess }),
      removedBytes: sum(removed),
      remainingEntries: kept,
      remainingBytes,
    };
  }

  #evictionLockPath(): string {
    return `${this.#layout.locks}/evict.lock`;
  }

  #pendingForExit(): void {
    if (this.#flushOnExit) flushOnExit(this);
  }
}

function sum(blobs: readonly ScannedBlob[]): number {
  let total = 0;
  for (const blob of blobs) total += blob.bytes;
  return total;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
