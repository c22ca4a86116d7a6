/**
 * The values of a disk cache, in one LMDB environment (`<cacheDir>/values/`, see store-env.ts):
 *
 *   values  id → value record, and `<id>/<n>` → chunks of a large payload (value-record.ts)
 *   index   id → index record: last use, creation time, bytes, node name, key
 *   state   "totals" → bytes and entries stored, and when eviction last scanned everything
 *
 * Reads are lookups in the memory map, inside LMDB's read snapshot (lmdb-js keeps one per event
 * turn, so a synchronous run of lookups sees one consistent state). Every write goes through
 * `commit`: one write transaction with the new entries, their index records, the uses recorded
 * by hits, the removal of damaged records, the totals, and, when due, an eviction. LMDB lets one
 * writer in at a time across all processes and makes each transaction visible all at once, so
 * concurrent writers never lose each other's entries, the totals are exact, and an eviction
 * sees a consistent state and removes each entry once.
 */
import { existsSync, rmdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { removeQuietly, removeTreeQuietly } from "../../fs/atomic-write.js";
import { readdirQuietly } from "./temp-files.js";
import { DATA_FILE, LOCK_FILE, VERIFIED_FILE, openStoreEnv, type StoreEnv } from "./store-env.js";
import { quarantine } from "./store-check.js";
import { LOCK_DIR, StoreLock } from "./store-lock.js";
import { debugCache } from "../../debug/index.js";
import { chunkIdOf, decodeIndex, encodeIndex, type EncodedValue, type IndexRecord } from "./value-record.js";

const TOTALS_KEY = "totals";
/** LMDB's codes for a damaged file: page not found, corrupted, invalid, version mismatch. */
const DAMAGE_CODES = new Set([-30797, -30796, -30793, -30794]);

export interface Totals {
  bytes: number;
  entries: number;
  /** When an eviction last measured every entry, if ever. */
  scannedAt: number | undefined;
}

/** One entry to write. */
export interface ValueWrite {
  id: string;
  value: EncodedValue;
  index: IndexRecord;
}

/** An entry as listed from the index. */
export interface IndexedEntry extends IndexRecord {
  id: string;
}

/** What a commit may do besides writing entries. */
export interface CommitWork {
  writes: Iterable<ValueWrite>;
  /** id → time of a hit worth recording as a use. */
  uses?: ReadonlyMap<string, number>;
  /** Ids of records found damaged, to delete (unless rewritten in the same commit). */
  damaged?: Iterable<string>;
  /** Called inside the transaction after the writes, with the totals; may evict. */
  then?: (totals: Totals) => Totals;
}

export class ValueStore {
  readonly dir: string;
  #env: StoreEnv | undefined;
  #inCommit = false;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The environment, opened on first use; undefined when there is none and `create` is false. */
  env(create: boolean): StoreEnv | undefined {
    this.#env ??= openStoreEnv(this.dir, create);
    return this.#env;
  }

  /**
   * Runs a read of the store; an LMDB error is a miss (`fallback`), never an exception, and one
   * that says the file is damaged (a page not found, a corrupted page: something garbled the
   * file after it was checked) replaces the store with an empty one, so the next use starts over.
   */
  guard<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      this.#failed(error);
      return fallback;
    }
  }

  /** Notes a failed operation; returns true when the store was damaged and has been put aside. */
  #failed(error: unknown): boolean {
    const code = (error as { code?: unknown })?.code;
    if (debugCache.enabled) debugCache(`${this.dir}: ${(error as Error)?.message ?? String(error)}`);
    if (typeof code !== "number" || !DAMAGE_CODES.has(code)) return false;
    try {
      this.#env?.close();
    } catch {
      // a damaged environment may fail to close; it is put aside either way
    }
    this.#env = undefined;
    quarantine(this.dir);
    return true;
  }

  /**
   * Lets go of the environment if its data file was removed or replaced since it was opened
   * (another process cleared the cache, or recreated a damaged store), so the next use opens
   * the current one instead of writing into a deleted file. One `stat`; called once per flush.
   */
  refresh(): void {
    if (this.#env && this.#replaced(this.#env)) this.#closeEnv();
  }

  /** Whether the data file is no longer the one `env` opened (removed, or replaced by another process). */
  #replaced(env: StoreEnv): boolean {
    return statQuietly(join(this.dir, DATA_FILE))?.ino !== env.ino;
  }

  /**
   * Runs `work` in one write transaction and records the file as verified, both under the
   * store's lock. A store another process replaced since this one opened it (a clear, a damaged
   * store started over) is let go first: the batch goes to the current store.
   */
  commit(work: CommitWork): Totals {
    for (let attempt = 0; ; attempt += 1) {
      const env = this.env(true)!;
      let totals: Totals | undefined;
      try {
        totals = env.lock.hold(() => {
          if (this.#replaced(env)) return undefined;
          const committed = this.#transact(env, work);
          // lmdb-js keeps one read snapshot per event turn: later reads in this turn must see this commit.
          env.root.resetReadTxn();
          env.recordVerified();
          return committed;
        });
      } catch (error) {
        // A store found damaged now is replaced by an empty one: the batch goes there instead.
        if (attempt > 0 || !this.#failed(error)) throw error;
        continue;
      }
      if (totals !== undefined) return totals;
      if (attempt > 2) throw new Error(`Cannot commit to the disk cache's store ${this.dir}: it was replaced again and again`);
      this.#closeEnv();
    }
  }

  #closeEnv(): void {
    this.#env?.close();
    this.#env = undefined;
  }

  #transact(env: StoreEnv, work: CommitWork): Totals {
    this.#inCommit = true;
    try {
      return this.#transactNow(env, work);
    } finally {
      this.#inCommit = false;
    }
  }

  #transactNow(env: StoreEnv, work: CommitWork): Totals {
    // The caller holds the store's lock, so no process opens the environment meanwhile (store-lock.ts).
    return env.root.transactionSync(() => {
      let totals = readTotals(env);
      for (const write of work.writes) totals = putEntry(env, write, totals);
      for (const [id, usedAt] of work.uses ?? []) recordUse(env, id, usedAt);
      for (const id of work.damaged ?? []) totals = removeEntry(env, id, totals, true);
      if (work.then) totals = work.then(totals);
      env.state.putSync(TOTALS_KEY, encodeTotals(totals));
      return totals;
    });
  }

  /** The totals as last committed (zeros when there is no store). */
  totals(): Totals {
    const none: Totals = { bytes: 0, entries: 0, scannedAt: undefined };
    const env = this.env(false);
    return env ? this.guard(() => readTotals(env), none) : none;
  }

  /** Every index record (inside the caller's transaction when called from `then`). */
  scanIndex(): IndexedEntry[] {
    const env = this.env(false);
    if (!env) return [];
    const entries: IndexedEntry[] = [];
    const scan = () => {
      for (const { key, value } of env.index.getRange()) {
        const record = decodeIndex(value);
        if (record) entries.push({ id: key, ...record });
      }
      return entries;
    };
    // Inside a commit (eviction), an error must abort the transaction: no guard there.
    return this.#inCommit ? scan() : this.guard(scan, []);
  }

  /** Removes an entry inside the current write transaction; returns the new totals. */
  removeInTransaction(id: string, totals: Totals): Totals {
    return removeEntry(this.env(true)!, id, totals, false);
  }

  /**
   * Deletes the environment's files (other processes that have it open keep their copy, which
   * no one opens again). Files of others in the folder stay.
   */
  removeFiles(): void {
    const env = this.#env;
    const removeAll = () => {
      if (env) {
        // Empty it first, so a process that still has it open sees misses rather than old values.
        try {
          env.root.transactionSync(() => {
            env.values.clearSync();
            env.index.clearSync();
            env.state.clearSync();
          });
        } catch {
          // already unusable: removing its files is all that is left to do
        }
      }
      for (const name of [DATA_FILE, LOCK_FILE, VERIFIED_FILE]) removeQuietly(join(this.dir, name));
      removeTreeQuietly(join(this.dir, LOCK_DIR));
    };
    if (env) {
      env.lock.hold(removeAll);
      env.close();
      this.#env = undefined;
    } else if (existsSync(join(this.dir, LOCK_DIR))) {
      const lock = StoreLock.open(this.dir);
      try {
        lock.hold(removeAll);
      } finally {
        lock.close();
      }
    } else {
      removeAll();
    }
    for (const name of readdirQuietly(this.dir)) if (name.startsWith(`.${VERIFIED_FILE}.`) || name.startsWith(`.${LOCK_DIR}.`)) removeTreeQuietly(this.dir + sep + name);
    try {
      rmdirSync(this.dir);
    } catch {
      // not empty (a user's file) or already gone
    }
  }
}

function statQuietly(path: string): { ino: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function readTotals(env: StoreEnv): Totals {
  const bytes = env.state.getBinaryFast(TOTALS_KEY);
  if (!bytes || bytes.length !== 24) return { bytes: 0, entries: 0, scannedAt: undefined };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, 24);
  const stored = view.readDoubleLE(0);
  const entries = view.readDoubleLE(8);
  const scannedAt = view.readDoubleLE(16);
  return {
    bytes: Number.isFinite(stored) && stored >= 0 ? stored : 0,
    entries: Number.isFinite(entries) && entries >= 0 ? entries : 0,
    scannedAt: Number.isFinite(scannedAt) ? scannedAt : undefined,
  };
}

function encodeTotals(totals: Totals): Buffer {
  const bytes = Buffer.allocUnsafe(24);
  bytes.writeDoubleLE(totals.bytes, 0);
  bytes.writeDoubleLE(totals.entries, 8);
  bytes.writeDoubleLE(totals.scannedAt ?? NaN, 16);
  return bytes;
}

function indexOf(env: StoreEnv, id: string): IndexRecord | undefined {
  const bytes = env.index.getBinaryFast(id);
  return bytes ? decodeIndex(bytes) : undefined;
}

function putEntry(env: StoreEnv, write: ValueWrite, totals: Totals): Totals {
  // Replacing an entry: its old chunks and bytes go first.
  const next = removeEntry(env, write.id, totals, false);
  env.values.putSync(write.id, write.value.record);
  write.value.chunks.forEach((chunk, index) => env.values.putSync(chunkIdOf(write.id, index), chunk));
  env.index.putSync(write.id, encodeIndex(write.index));
  return { ...next, bytes: next.bytes + write.index.bytes, entries: next.entries + 1 };
}

function removeEntry(env: StoreEnv, id: string, totals: Totals, evenWithoutIndex: boolean): Totals {
  const index = indexOf(env, id);
  if (!index && !evenWithoutIndex) return totals;
  env.values.removeSync(id);
  const chunks = chunkCount(env, id);
  for (let i = 0; i < chunks; i += 1) env.values.removeSync(chunkIdOf(id, i));
  if (!index) return totals;
  env.index.removeSync(id);
  return { ...totals, bytes: Math.max(0, totals.bytes - index.bytes), entries: Math.max(0, totals.entries - 1) };
}

/** How many chunks are stored for `id` (they are numbered from 0 without gaps). */
function chunkCount(env: StoreEnv, id: string): number {
  let count = 0;
  while (env.values.getBinaryFast(chunkIdOf(id, count)) !== undefined) count += 1;
  return count;
}

function recordUse(env: StoreEnv, id: string, usedAt: number): void {
  const index = indexOf(env, id);
  if (!index || index.lastAccess >= usedAt) return;
  env.index.putSync(id, encodeIndex({ ...index, lastAccess: usedAt }));
}
