/**
 * `DiskCache`: results persisted in a directory, shared by every process on the machine that
 * uses it.
 *
 * Every method is synchronous (plain return values, no promises), so a hit costs a lookup in a
 * memory map and no microtask. What is kept where:
 * - values in an LMDB environment, `<cacheDir>/values/` (value-store.ts, store-env.ts): written
 *   in batches, one transaction each (store-session.ts), never half written, visible to other
 *   processes all at once;
 * - the latest signature per node through flat-cache, `<cacheDir>/meta/` (meta-store.ts),
 *   merged by compare-and-swap so concurrent writers lose nothing (versioned-docs.ts);
 * - `flush()`, which the runner calls once per run (and the process's exit, if nobody did),
 *   commits what is pending and, past `maxSize` (or when an age scan is due), evicts the least
 *   recently used entries inside the same transaction.
 *
 * For one machine with many processes. Machines that share results use a RedisCache.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { BlobWrite, CacheBackend, CacheEntry, NodeSignature } from "../types.js";
import { countLegacyFiles, removeDirIfEmpty, removeLegacyAndTemps, type LegacyFiles } from "./clear-files.js";
import { believableLastUse, planEviction, type EvictionLimits } from "./eviction.js";
import { flushOnExit, nothingToFlushOnExit } from "./exit-flush.js";
import { belongsTo, describeEntry, summarise, type DiskCacheStats, type StoredEntryInfo } from "./inspect.js";
import { layoutOf, type CacheLayout } from "./layout.js";
import { MetaStore } from "./meta-store.js";
import { StoreSession } from "./store-session.js";
import { abandonedTempsIn } from "./temp-files.js";
import { removeQuietly } from "../../fs/atomic-write.js";
import type { IndexedEntry, Totals } from "./value-store.js";
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
  /** Persist pending values, metadata and uses when the process exits without a `flush()`. Default true. */
  flushOnExit?: boolean;
}

export const DEFAULT_CACHE_DIR = ".cache";
export const DEFAULT_MAX_SIZE = 5 * 1024 ** 3;
/** Eviction brings the total down to this fraction of `maxSize`. */
const LOW_WATER = 0.9;
const DAY_MS = 24 * 60 * 60 * 1000;

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

export interface ClearNodeResult {
  /** Stored results removed (a mapped node's items each count). */
  removedEntries: number;
  removedBytes: number;
  /** Signatures removed (one per item of a mapped node). */
  removedSignatures: number;
}

export class DiskCache implements CacheBackend {
  /** Absolute path of the cache directory. */
  readonly cacheDir: string;
  readonly maxSize: number;
  readonly maxAge: number | undefined;
  /** What the last `flush()` did (the protocol's flush returns nothing). */
  lastFlush: FlushReport | undefined;

  readonly #layout: CacheLayout;
  readonly #values: StoreSession;
  readonly #meta: MetaStore;
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
    this.#values = StoreSession.of(this.#layout.values);
    this.#meta = new MetaStore(this.#layout.meta);
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
    if (this.#flushOnExit) flushOnExit(this);
  }

  /** The stored entry, or undefined when absent or unreadable. A stored `undefined` is an entry. */
  getBlob(key: string): CacheEntry | undefined {
    return this.#values.read(key);
  }

  /** Stores the entry; throws NotStorableError (nothing kept) if it cannot be stored faithfully. */
  setBlob(key: string, entry: CacheEntry): void {
    this.#values.write(key, entry);
    if (typeof entry.nodeName === "string") this.#lastKeyOfNode.set(entry.nodeName, key);
  }

  /** The entries of `keys`, in order, read from one snapshot of the store. */
  getMany(keys: readonly string[]): (CacheEntry | undefined)[] {
    return this.#values.readMany(keys);
  }

  /**
   * Stores the entries, committed with `setBlob`'s batch (one transaction for a run of misses);
   * refusals (NotStorableError) come back aligned with `entries`.
   */
  setMany(entries: readonly BlobWrite[]): (Error | undefined)[] | void {
    const errors = this.#values.writeMany(entries);
    for (let i = 0; i < entries.length; i++) {
      const { key, entry } = entries[i]!;
      if (!errors?.[i] && typeof entry.nodeName === "string") this.#lastKeyOfNode.set(entry.nodeName, key);
    }
    return errors;
  }

  /** Removes every value and signature this cache created, and files of its earlier format; other files stay. */
  clear(): void {
    if (debugCache.enabled) debugCache(`clear ${this.cacheDir}`);
    this.#values.removeAll();
    this.#meta.clear();
    removeLegacyAndTemps(this.#layout);
    removeDirIfEmpty(this.#layout.meta);
    this.#lastKeyOfNode.clear();
    nothingToFlushOnExit(this);
  }

  /**
   * Removes the stored results and signatures of one node, named by its output as `stats()`
   * lists it: `"scores"` takes every item of a mapped node, `"scores::doc-1"` one item. Other
   * nodes' entries stay. The values go in one write transaction that scans the index and
   * removes in the same snapshot, as eviction does, so concurrent writers lose nothing and the
   * totals stay exact; results a process stores for the node afterwards are kept. Returns what
   * was removed (all zeros when the cache holds nothing of that name).
   */
  clearNode(node: string): ClearNodeResult {
    if (typeof node !== "string" || node === "") throw new TypeError(`DiskCache.clearNode: expected a node name (its output), got ${String(node)}`);
    this.#values.store.refresh();
    let removedEntries = 0;
    let removedBytes = 0;
    // Opens no store where there is none (and nothing pending would create one).
    if (this.#values.hasWork || this.#values.store.env(false)) {
      this.#values.commit((totals) => {
        // May run twice (a store found damaged is replaced and the transaction retried): counts restart.
        let next = totals;
        removedEntries = 0;
        removedBytes = 0;
        for (const indexed of this.#values.store.scanIndex()) {
          if (!belongsTo(indexed.nodeName, node)) continue;
          next = this.#values.store.removeInTransaction(indexed.id, next);
          removedEntries += 1;
          removedBytes += indexed.bytes;
        }
        return next;
      });
    }
    const removedSignatures = this.#meta.dropNames((nodeName) => belongsTo(nodeName, node));
    for (const nodeName of [...this.#lastKeyOfNode.keys()]) if (belongsTo(nodeName, node)) this.#lastKeyOfNode.delete(nodeName);
    if (debugCache.enabled) debugCache(`clear ${node} in ${this.cacheDir}: removed ${removedEntries} entries (${removedBytes} bytes), ${removedSignatures} signatures`);
    return { removedEntries, removedBytes, removedSignatures };
  }

  /**
   * Commits pending values and uses, persists pending signatures, and evicts when the store
   * exceeds `maxSize` or an age scan is due. Called by the runner at the end of every run.
   */
  flush(): void {
    nothingToFlushOnExit(this);
    this.#values.store.refresh();
    const signatures = this.#meta.flush();
    let evicted: PruneResult | undefined;
    const now = Date.now();
    const limits = { maxSize: this.maxSize, maxAge: this.maxAge };
    // Decided inside the transaction, on the totals the batch just written produced.
    const evictIfDue = (totals: Totals) =>
      this.#evictionDue(totals, now) ? this.#evictInTransaction(limits, undefined, now, false, (result) => (evicted = result))(totals) : totals;
    // A flush with nothing to write opens no write transaction unless eviction is due already.
    const needed = this.#values.hasWork || this.#evictionDue(this.#values.store.totals(), now);
    const committed = this.#values.commit(needed && this.#limited() ? evictIfDue : undefined);
    const report: FlushReport = { signatures, uses: committed.uses };
    if (evicted) report.evicted = evicted;
    this.lastFlush = report;
    if (debugCache.enabled) debugCache(`flush ${this.cacheDir}: ${report.signatures} signatures, ${report.uses} uses${evicted ? `, evicted ${evicted.removed.length} entries (${evicted.removedBytes} bytes)` : ""}`);
  }

  /** @internal The exit-time flush of signatures (values commit themselves, store-session.ts); never recreates a removed directory. */
  flushForExit(): void {
    if (existsSync(this.cacheDir)) this.#meta.flush();
  }

  // ---- inspection and maintenance (the `daft cache` commands) --------------------------------

  /** Every stored entry, sorted by node name then key (reads the index, not the values). */
  entries(): StoredEntryInfo[] {
    this.#values.store.refresh();
    this.#values.commit(); // this process's pending writes count
    const signatures = this.#meta.all();
    const now = Date.now();
    const entries = this.#values.store.scanIndex().map((indexed) => describeEntry(indexed, signatures, now));
    return entries.sort((a, b) => compare(a.nodeName ?? "", b.nodeName ?? "") || compare(a.key, b.key));
  }

  /** Totals: entries and bytes overall and per node (a mapped node's items count together). */
  stats(): DiskCacheStats {
    return summarise(this.cacheDir, this.entries());
  }

  /** Files of the earlier one-file-per-value format in the directory (never read; `clear()` and `prune()` remove them). */
  legacyFiles(): LegacyFiles {
    return countLegacyFiles(this.#layout);
  }

  /** The latest signature recorded for each node name (what `explain` compares a run against). */
  signatures(): NodeSignature[] {
    return [...this.#meta.all().values()].map((record) => record.signature).sort((a, b) => compare(a.nodeName, b.nodeName));
  }

  /** Whether a value is stored under `key`, without reading it. */
  hasBlob(key: string): boolean {
    return this.#values.has(key);
  }

  /**
   * Removes entries unused for longer than `maxAge`, then the least recently used until the
   * total is at most `maxSize`, plus files of the earlier format and temp files of dead writers;
   * signatures older than `maxAge` are dropped too. Without options, the cache's own limits
   * apply; with options, only the limits given do (`prune({ maxAge })` does not also enforce
   * `maxSize`). Runs in one write transaction: concurrent prunes each see the other's result.
   */
  prune(options: PruneOptions = { maxSize: this.maxSize, maxAge: this.maxAge }): PruneResult {
    const now = Date.now();
    this.#values.store.refresh();
    removeLegacyAndTemps(this.#layout, now);
    for (const temp of abandonedTempsIn(this.#layout.meta, now)) removeQuietly(temp);
    let result: PruneResult = { removed: [], removedBytes: 0, remainingEntries: 0, remainingBytes: 0 };
    // This process's hits count as uses before anything is chosen (they commit first, same transaction).
    this.#values.commit(this.#evictInTransaction(options, options.maxSize, now, true, (done) => (result = done)));
    if (options.maxAge !== undefined && Number.isFinite(options.maxAge)) this.#meta.dropOlderThan(now - options.maxAge);
    if (debugCache.enabled) debugCache(`prune ${this.cacheDir} (maxSize ${options.maxSize}, maxAge ${options.maxAge}): removed ${result.removed.length}, ${result.remainingEntries} remain`);
    return result;
  }

  // ---- internals ------------------------------------------------------------------------------

  #limited(): boolean {
    return Number.isFinite(this.maxSize) || this.maxAge !== undefined;
  }

  /** Over the size limit (the totals are exact), or an age scan (also a recount) is due. */
  #evictionDue(totals: Totals, now: number): boolean {
    if (!this.#limited() || totals.entries === 0) return false;
    if (totals.bytes > this.maxSize) return true;
    const rescanEvery = this.maxAge === undefined ? DAY_MS : Math.min(DAY_MS, Math.max(1000, this.maxAge / 10));
    return totals.scannedAt === undefined || now - totals.scannedAt > rescanEvery;
  }

  /**
   * One eviction pass, to run inside a write transaction. `targetSize` undefined means "the
   * low-water mark if over maxSize", used by automatic eviction. Recounts the totals.
   */
  #evictInTransaction(limits: EvictionLimits, targetSize: number | undefined, now: number, describe: boolean, report: (result: PruneResult) => void): (totals: Totals) => Totals {
    return () => {
      const scanned = this.#values.store.scanIndex();
      const candidates = scanned.map((indexed) => ({ ...indexed, lastAccess: believableLastUse(indexed.lastAccess, indexed.createdAt, now) }));
      const total = candidates.reduce((sum, entry) => sum + entry.bytes, 0);
      const maxSize = limits.maxSize ?? Infinity;
      const target = targetSize ?? (total > maxSize ? Math.floor(maxSize * LOW_WATER) : maxSize);
      const plan = planEviction(candidates, limits, now, target);
      let totals: Totals = { bytes: total, entries: candidates.length, scannedAt: now };
      for (const victim of plan.remove) totals = this.#values.store.removeInTransaction(victim.id, totals);
      const signatures = describe && plan.remove.length > 0 ? this.#meta.all() : new Map();
      report({
        removed: plan.remove.map((victim: IndexedEntry) => describeEntry(victim, signatures, now)),
        removedBytes: total - totals.bytes,
        remainingEntries: totals.entries,
        remainingBytes: totals.bytes,
      });
      return totals;
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
