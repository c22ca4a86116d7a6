/**
 * This process's view of one cache directory's values, shared by every DiskCache instance on
 * that directory: reads, and the writes not yet committed.
 *
 * A write transaction costs an fsync, so stored entries are batched: `write` encodes the entry
 * at once (a value that cannot be stored is refused there, synchronously) and keeps it in
 * memory, where this process's reads find it; the batch is committed in one transaction when
 * it reaches BATCH_BYTES, COMMIT_DELAY_MS after it started (a timer, so at the latest when the
 * event loop gets there), at the runner's flush, or when the process exits. A process killed
 * before a commit loses only the uncommitted results (at most one batch), which are computed
 * again next time; nothing is ever half written.
 *
 * Hits are recorded as uses for eviction (least recently used first) in memory, and written
 * with the next commit; an entry used within the last minute is not recorded again.
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { CacheEntry } from "../types.js";
import { NotStorableError } from "../values/not-storable-error.js";
import { checkStorable } from "../values/storable.js";
import { decodeEntryPayload, encodeEntryPayload } from "./entry-payload.js";
import { flushOnExit, nothingToFlushOnExit } from "./exit-flush.js";
import { blobIdOf } from "./layout.js";
import type { StoreEnv } from "./store-env.js";
import { chunkIdOf, decodePayload, encodeValue, lastAccessOf, readValueHeader, VALUE_HEADROOM, viewOf, type ValueHeader } from "./value-record.js";
import { ValueStore, type Totals, type ValueWrite } from "./value-store.js";
import { debugCache } from "../../debug/index.js";

/** Uses closer together than this are one use as far as eviction is concerned. */
export const ACCESS_RESOLUTION_MS = 60_000;
/** A batch is committed once it holds this many bytes (bounds the memory it takes)… */
const BATCH_BYTES = 32 * 1024 * 1024;
/**
 * …or this long after its first entry, when the event loop gets there. A synchronous run of
 * misses (a mapped node) therefore commits once, at its end or its flush: one fsync, and LMDB
 * rewrites each page once rather than once per batch (random keys touch every page of the
 * tree, and freed pages are reused only two commits later, so many small commits of a large
 * run would leave the file two to three times the size of its data).
 */
const COMMIT_DELAY_MS = 100;

interface PendingWrite extends ValueWrite {
  key: string;
  payload: Buffer;
}

export interface CommitResult {
  totals: Totals;
  uses: number;
  written: number;
}

const sessions = new Map<string, StoreSession>();

export class StoreSession {
  readonly store: ValueStore;
  readonly #pending = new Map<string, PendingWrite>();
  #pendingBytes = 0;
  /** id → time of a hit whose recorded last use is older than ACCESS_RESOLUTION_MS (or in the future). */
  readonly #used = new Map<string, number>();
  /** Records found damaged: deleted with the next commit. */
  readonly #damaged = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A commit made by the timer that failed: reported by the next `commit()`. */
  #deferredError: Error | undefined;

  /** The session of `valuesDir` (absolute), created on first use. */
  static of(valuesDir: string): StoreSession {
    let session = sessions.get(valuesDir);
    if (!session) sessions.set(valuesDir, (session = new StoreSession(valuesDir)));
    return session;
  }

  private constructor(valuesDir: string) {
    this.store = new ValueStore(valuesDir);
  }

  get hasWork(): boolean {
    return this.#pending.size > 0 || this.#used.size > 0 || this.#damaged.size > 0;
  }

  /** The stored entry, or undefined when absent or unreadable. A stored `undefined` is an entry. */
  read(key: string): CacheEntry | undefined {
    return this.#read(key, undefined);
  }

  /** `env`: the store when the caller opened it once for many reads, else looked for here. */
  #read(key: string, env: StoreEnv | undefined | null): CacheEntry | undefined {
    const id = blobIdOf(key);
    if (this.#pending.size > 0) {
      const pending = this.#pending.get(id);
      if (pending) return pending.key === key ? decodeEntryPayload(pending.payload) : undefined;
    }
    const store = env === undefined ? this.store.env(false) : env;
    if (!store) return undefined;
    return this.store.guard(() => this.#readStored(store, id, key), undefined);
  }

  #readStored(env: StoreEnv, id: string, key: string): CacheEntry | undefined {
    const entry = readEntry(env, id, key, this.#damaged);
    if (entry === undefined) return undefined;
    const index = env.index.getBinaryFast(id);
    const now = Date.now();
    if (index !== undefined) {
      const lastAccess = lastAccessOf(index);
      if (lastAccess < now - ACCESS_RESOLUTION_MS || lastAccess > now) {
        this.#used.set(id, now);
        flushOnExit(this);
      }
    }
    return entry;
  }

  /** Entries of `keys` in order, from one read snapshot. */
  readMany(keys: readonly string[]): (CacheEntry | undefined)[] {
    const entries = new Array<CacheEntry | undefined>(keys.length);
    // Looked for once: with no store yet, each read would otherwise check the disk for one.
    const env = this.store.env(false) ?? null;
    for (let i = 0; i < keys.length; i += 1) entries[i] = this.#read(keys[i]!, env);
    return entries;
  }

  /** Whether `key` has an entry, without reading its value. */
  has(key: string): boolean {
    const id = blobIdOf(key);
    const pending = this.#pending.get(id);
    if (pending) return pending.key === key;
    const env = this.store.env(false);
    if (!env) return false;
    return this.store.guard(() => {
      const record = env.values.getBinaryFast(id);
      return record !== undefined && !("problem" in readValueHeader(record, id, key));
    }, false);
  }

  /** Encodes and batches the entry; throws NotStorableError (nothing kept) if it cannot be stored. */
  write(key: string, entry: CacheEntry): void {
    this.#add(encodeEntry(key, entry));
    if (this.#pendingBytes >= BATCH_BYTES) {
      try {
        this.commit();
      } catch (error) {
        throw commitFailed(this.store.dir, entry, error);
      }
    } else {
      this.#commitSoon();
    }
  }

  /**
   * Encodes and batches every entry that can be stored, committed like `write`'s (by size, soon
   * after, at the runner's flush, at exit); returns the refusals aligned with `entries`.
   */
  writeMany(entries: readonly { key: string; entry: CacheEntry }[]): (Error | undefined)[] | void {
    let errors: (Error | undefined)[] | undefined;
    for (let i = 0; i < entries.length; i++) {
      const { key, entry } = entries[i]!;
      try {
        this.#add(encodeEntry(key, entry));
      } catch (error) {
        (errors ??= new Array<Error | undefined>(entries.length))[i] = error as Error;
      }
    }
    if (this.#pendingBytes < BATCH_BYTES) {
      this.#commitSoon();
      return errors;
    }
    try {
      this.commit();
    } catch (error) {
      return entries.map(({ entry }, i) => errors?.[i] ?? commitFailed(this.store.dir, entry, error));
    }
    return errors;
  }

  /**
   * Commits the batch, the uses and the removal of damaged records in one transaction;
   * `then` runs inside it (eviction). Throws what a commit made by the timer failed with, once.
   */
  commit(then?: (totals: Totals) => Totals): CommitResult {
    this.#cancelTimer();
    const deferred = this.#deferredError;
    this.#deferredError = undefined;
    const writes = [...this.#pending.values()];
    const uses = new Map(this.#used);
    const damaged = [...this.#damaged].filter((id) => !this.#pending.has(id));
    this.#pending.clear();
    this.#pendingBytes = 0;
    this.#used.clear();
    this.#damaged.clear();
    nothingToFlushOnExit(this);
    let totals: Totals;
    if (writes.length === 0 && uses.size === 0 && damaged.length === 0 && !then) {
      totals = this.store.totals();
    } else {
      totals = this.store.commit({ writes, uses, damaged, ...(then ? { then } : {}) });
      if (debugCache.enabled) debugCache(`commit ${this.store.dir}: ${writes.length} entries, ${uses.size} uses, ${damaged.length} damaged removed`);
    }
    if (deferred) throw deferred;
    return { totals, uses: uses.size, written: writes.length };
  }

  /** Forgets everything not committed and removes the store's files. */
  removeAll(): void {
    this.#cancelTimer();
    this.#pending.clear();
    this.#pendingBytes = 0;
    this.#used.clear();
    this.#damaged.clear();
    this.#deferredError = undefined;
    nothingToFlushOnExit(this);
    this.store.removeFiles();
  }

  /** @internal The exit-time commit: nothing if the directory is gone (never recreate a removed cache). */
  flushForExit(): void {
    if (this.hasWork && existsSync(dirname(this.store.dir))) this.commit();
  }

  #add(write: PendingWrite): void {
    const replaced = this.#pending.get(write.id);
    if (replaced) this.#pendingBytes -= replaced.index.bytes;
    this.#pending.set(write.id, write);
    this.#pendingBytes += write.index.bytes;
    flushOnExit(this);
  }

  #commitSoon(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.commit();
      } catch (error) {
        this.#deferredError ??= error as Error;
        if (debugCache.enabled) debugCache(`commit ${this.store.dir} failed: ${(error as Error).message}`);
      }
    }, COMMIT_DELAY_MS);
    // Never keeps a process alive: the exit flush commits what is left.
    this.#timer.unref();
  }

  #cancelTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function commitFailed(dir: string, entry: CacheEntry, error: unknown): NotStorableError {
  return new NotStorableError(`Cannot store ${nodeLabel(entry)} in the disk cache: committing to ${dir} failed: ${(error as Error).message}`, entry.nodeName, undefined, { cause: error });
}

function nodeLabel(entry: CacheEntry): string {
  return entry.nodeName === undefined ? "this result" : `the result of node "${entry.nodeName}"`;
}

/** Checks and serialises an entry; throws NotStorableError when it cannot be stored faithfully. */
function encodeEntry(key: string, entry: CacheEntry): PendingWrite {
  const { unstorable, hasNullPrototype } = checkStorable(entry.value);
  if (unstorable) {
    throw new NotStorableError(
      `Cannot store ${nodeLabel(entry)} in the disk cache: ${unstorable.path} ${unstorable.reason}. ` +
        "To cache it, return plain data (objects, arrays, Map, Set, Date, typed arrays).",
      entry.nodeName,
      unstorable.path,
    );
  }
  let serialized: Buffer;
  try {
    serialized = encodeEntryPayload(entry, VALUE_HEADROOM, hasNullPrototype);
  } catch (error) {
    throw new NotStorableError(`Cannot store ${nodeLabel(entry)} in the disk cache: v8 serialisation failed: ${(error as Error).message}`, entry.nodeName, undefined, { cause: error });
  }
  const id = blobIdOf(key);
  let value;
  try {
    value = encodeValue(id, key, serialized, true);
  } catch (error) {
    throw new NotStorableError(`Cannot store ${nodeLabel(entry)} in the disk cache: ${(error as Error).message}`, entry.nodeName, undefined, { cause: error });
  }
  const now = Date.now();
  return {
    id,
    key,
    payload: value.payload,
    value,
    index: { lastAccess: now, createdAt: typeof entry.createdAt === "number" ? entry.createdAt : undefined, bytes: value.bytes, nodeName: entry.nodeName, key: id === key ? undefined : key },
  };
}

/** Reads and checks one entry; a damaged record is noted for deletion and reads as a miss. */
function readEntry(env: StoreEnv, id: string, key: string, damaged: Set<string>): CacheEntry | undefined {
  const stored = env.values.getBinaryFast(id);
  if (stored === undefined) return undefined;
  const record = viewOf(stored);
  const header = readValueHeader(record, id, key);
  if ("problem" in header) return unreadable(id, header, damaged);
  const payload = header.chunked ? readChunks(env, id, header) : record.subarray(header.payloadStart);
  if (payload === undefined) return unreadable(id, { problem: "damaged", detail: "a chunk is missing" }, damaged);
  const decoded = decodePayload(payload, header);
  if (!decoded.ok) return unreadable(id, decoded, damaged);
  return decoded.entry;
}

function readChunks(env: StoreEnv, id: string, header: ValueHeader): Buffer | undefined {
  const payload = Buffer.allocUnsafe(header.payloadLength);
  let offset = 0;
  for (let i = 0; offset < payload.length; i += 1) {
    const chunk = env.values.getBinaryFast(chunkIdOf(id, i));
    if (chunk === undefined || chunk.length === 0 || offset + chunk.length > payload.length) return undefined;
    payload.set(viewOf(chunk), offset);
    offset += chunk.length;
  }
  return payload;
}

function unreadable(id: string, why: { problem: "damaged" | "foreign"; detail: string }, damaged: Set<string>): undefined {
  if (debugCache.enabled) debugCache(`value ${id}: ${why.problem} (${why.detail}), read as a miss`);
  if (why.problem === "damaged") damaged.add(id);
  return undefined;
}
