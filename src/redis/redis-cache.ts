/**
 * `RedisCache`: results in Redis, shared by every machine that reaches the server.
 *
 * Values follow DiskCache's rules: v8 serialisation through the shared value codec, values that
 * would not come back as they went in (functions, symbols, class instances…) refused with a
 * NotStorableError before anything is sent, and whatever is read back checked field by field
 * (entry-frame.ts, signature-record.ts) so a damaged or foreign key is a miss.
 *
 * Round trips are what a network backend costs, so: `getMany`/`setMany` answer thousands of
 * items with one command per thousand keys (batch-commands.ts); `setMeta` does not wait for its reply (the
 * signature only explains later misses), its writes are awaited by `flush()`, which the runner
 * calls at the end of every run, and by `close()`.
 *
 * With `ttlSeconds`, every entry expires that long after its last use: a hit refreshes it
 * (GETEX, Redis ≥ 6.2; for a batch, one script per 1,000 keys), as DiskCache's `maxAge`
 * counts from the last use. The signatures hash
 * expires that long after its last write.
 */
import type { Redis } from "ioredis";
import { NotStorableError } from "../index.js";
import { isCacheEntry, isNodeSignature } from "../cache/stored-shapes.js";
import type { BlobWrite, CacheBackend, CacheEntry, NodeSignature } from "../cache/types.js";
import { findUnstorable } from "../cache/values/storable.js";
import { debugCache } from "../debug/index.js";
import { maskPassword, RedisLink } from "./connection.js";
import { decodeEntry, encodeEntry } from "./entry-frame.js";
import { readBatch, writeBatch } from "./batch-commands.js";
import { blobKeyOf, metaKeyOf, prefixPattern } from "./keys.js";
import { decodeSignature, encodeSignature } from "./signature-record.js";

/** Where the cache lives: a url (RedisCache opens and closes the connection) or a client of yours. */
export type RedisCacheOptions = RedisCacheLocation & {
  /** Prefix of every key this cache writes (and `clear()` removes). Default `"daft:"`. */
  prefix?: string;
  /** Entries expire this many seconds after their last use (write or hit). Default: never. */
  ttlSeconds?: number;
};

type RedisCacheLocation =
  | {
      /**
       * `redis://[[user]:password@]host[:port][/db]`, `rediss://…` for TLS, or a unix socket path.
       * Default: the `REDIS_URL` environment variable, else `redis://127.0.0.1:6379`.
       */
      url?: string;
      client?: undefined;
    }
  | {
      /** An ioredis client to use instead of opening a connection; `close()` leaves it open. */
      client: Redis;
      url?: undefined;
    };

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_PREFIX = "daft:";
/** Keys per batch command: large enough to amortise round trips, small enough not to stall the server. */
const BATCH_SIZE = 1000;
/** Bytes per write batch: one command must not become a huge request for the server to buffer. */
const BATCH_BYTES = 8 * 1024 * 1024;
const SCAN_COUNT = 1000;
/** Redis refuses larger strings (`proto-max-bulk-len`). */
const MAX_VALUE_BYTES = 512 * 1024 * 1024;

export class RedisCache implements CacheBackend {
  readonly prefix: string;
  readonly ttlSeconds: number | undefined;
  /** The server, as `redis://host:port` (a password in the url is masked). */
  readonly server: string;

  readonly #link: RedisLink;
  readonly #metaKey: string;
  /** Signature writes sent and not yet acknowledged. */
  readonly #pendingWrites = new Set<Promise<void>>();
  #failedWrites: unknown[] = [];
  /** Signature reads of this tick, sent together. */
  #metaReads: MetaReads | undefined;
  /** Signature writes of this tick (name → encoded), sent together. */
  #metaWrites: Map<string, string> | undefined;

  constructor(options: RedisCacheOptions = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("RedisCache: expected an options object { url | client, prefix?, ttlSeconds? }");
    const { url, client, prefix = DEFAULT_PREFIX, ttlSeconds } = options;
    if (url !== undefined && client !== undefined) throw new TypeError("RedisCache: give either url or client, not both");
    if (typeof prefix !== "string" || prefix === "") throw new TypeError(`RedisCache: prefix must be a non-empty string, got ${String(prefix)}`);
    if (ttlSeconds !== undefined && !(Number.isSafeInteger(ttlSeconds) && ttlSeconds > 0)) {
      throw new TypeError(`RedisCache: ttlSeconds must be a whole number of seconds > 0, got ${String(ttlSeconds)}`);
    }
    this.prefix = prefix;
    this.ttlSeconds = ttlSeconds;
    this.#metaKey = metaKeyOf(prefix);
    if (client !== undefined) {
      if (!looksLikeRedisClient(client)) throw new TypeError("RedisCache: client must be an ioredis Redis instance (new Redis(…) from the ioredis package)");
      this.#link = RedisLink.adopt(client);
    } else {
      this.#link = RedisLink.open(checkedUrl(url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL));
    }
    this.server = this.#link.server;
  }

  /** The ioredis client this cache uses (its own, or the one it was given). */
  get client(): Redis {
    return this.#link.client;
  }

  // ---- entries --------------------------------------------------------------------------------

  /** The stored entry, or undefined when absent or unreadable. A stored `undefined` is an entry. */
  async getBlob(key: string): Promise<CacheEntry | undefined> {
    const redisKey = blobKeyOf(this.prefix, key);
    const ttl = this.ttlSeconds;
    const bytes = await this.#link.run((client) =>
      (ttl === undefined ? client.getBuffer(redisKey) : client.getexBuffer(redisKey, "EX", ttl)).catch(nullIfWrongType),
    );
    return bytes ? this.#decode(bytes, key) : undefined;
  }

  /** The entries of `keys` in order, `undefined` where absent or unreadable; one command per 1,000 keys. */
  async getMany(keys: readonly string[]): Promise<(CacheEntry | undefined)[]> {
    if (keys.length === 0) return [];
    const entries = new Array<CacheEntry | undefined>(keys.length);
    // Every batch is sent at once; each is decoded as soon as its reply arrives, while Redis
    // answers the next ones.
    await this.#link.run((client) =>
      Promise.all(
        inBatches(keys).map(async (batch, number) => {
          const reply = await readBatch(client, batch.map((key) => blobKeyOf(this.prefix, key)), this.ttlSeconds);
          const offset = number * BATCH_SIZE;
          reply.forEach((bytes, i) => (entries[offset + i] = bytes ? this.#decode(bytes, batch[i]!) : undefined));
        }),
      ),
    );
    return entries;
  }

  /** Stores the entry; throws NotStorableError (nothing sent) if it cannot be stored faithfully. */
  async setBlob(key: string, entry: CacheEntry): Promise<void> {
    const bytes = this.#encode(key, entry);
    const redisKey = blobKeyOf(this.prefix, key);
    await this.#link.run((client) => this.#set(client, redisKey, bytes).catch((error: unknown) => {
      throw this.#refused(entry, error);
    }));
  }

  /**
   * Stores every entry, one command per 1,000 entries or 8 MiB (MSET, or a script when there is
   * a TTL). Resolves to nothing when all were stored, else to the error of each entry that was
   * not (NotStorableError, or the error of its batch).
   */
  async setMany(entries: readonly BlobWrite[]): Promise<(Error | undefined)[] | void> {
    const errors = new Array<Error | undefined>(entries.length).fill(undefined);
    const writes: { index: number; redisKey: string; bytes: Buffer }[] = [];
    entries.forEach(({ key, entry }, index) => {
      try {
        writes.push({ index, redisKey: blobKeyOf(this.prefix, key), bytes: this.#encode(key, entry) });
      } catch (error) {
        errors[index] = error as Error;
      }
    });
    if (writes.length > 0) {
      const failed = (batch: typeof writes, error: unknown) => {
        for (const write of batch) errors[write.index] = this.#refused(entries[write.index]!.entry, error);
      };
      try {
        await this.#link.run((client) =>
          Promise.all(
            inWriteBatches(writes).map((batch) =>
              writeBatch(client, batch.map((write) => write.redisKey), batch.map((write) => write.bytes), this.ttlSeconds).catch((error: unknown) => failed(batch, error)),
            ),
          ),
        );
      } catch (error) {
        failed(writes, error); // could not even connect: nothing was stored
      }
    }
    return errors.some((error) => error !== undefined) ? errors : undefined;
  }

  // ---- signatures ---------------------------------------------------------------------------

  /**
   * The latest signature stored for `nodeName`. Reads asked for in the same tick (a run asks
   * once per missed item) go to Redis together, one HMGET per 1,000 names.
   */
  getMeta(nodeName: string): Promise<NodeSignature | undefined> {
    return new Promise((resolve, reject) => {
      if (!this.#metaReads) {
        const batch: MetaReads = { names: [], waiters: [] };
        this.#metaReads = batch;
        process.nextTick(() => this.#readMetas(batch));
      }
      this.#metaReads.names.push(nodeName);
      this.#metaReads.waiters.push({ resolve, reject });
    });
  }

  /**
   * Sends the signature without waiting for Redis to acknowledge it; `flush()` waits. Signatures
   * set in the same tick go out together, one HSET per 1,000 (the last one of a name wins).
   */
  setMeta(signature: NodeSignature): void {
    if (!isNodeSignature(signature)) {
      throw new TypeError("RedisCache.setMeta: expected a NodeSignature (string nodeName and hashes, a finite timestamp)");
    }
    const text = encodeSignature(signature);
    if (this.#metaWrites) {
      this.#metaWrites.set(signature.nodeName, text);
      return;
    }
    const fields = new Map([[signature.nodeName, text]]);
    this.#metaWrites = fields;
    const write = new Promise<void>((resolve) => process.nextTick(resolve))
      .then(() => {
        this.#metaWrites = undefined;
        return this.#writeMetas(fields);
      })
      .catch((error: unknown) => {
        // One failure per signature of the batch: flush() counts what was lost.
        for (let i = 0; i < fields.size; i++) this.#failedWrites.push(error);
      })
      .finally(() => this.#pendingWrites.delete(write));
    this.#pendingWrites.add(write);
  }

  #readMetas(batch: MetaReads): void {
    this.#metaReads = undefined;
    this.#link
      .run((client) =>
        Promise.all(inBatches(batch.names).map((names) => client.hmget(this.#metaKey, ...names).catch((error: unknown) => names.map(() => nullIfWrongType(error))))),
      )
      .then(
        (replies) => {
          const texts = replies.flat();
          batch.waiters.forEach((waiter, index) => {
            const name = batch.names[index]!;
            const text = texts[index];
            if (text === null || text === undefined) return waiter.resolve(undefined);
            const signature = decodeSignature(text, name);
            if (!signature && debugCache.enabled) debugCache(`redis ${this.server}: the signature of ${name} is unreadable, read as absent`);
            waiter.resolve(signature);
          });
        },
        (error: unknown) => {
          for (const waiter of batch.waiters) waiter.reject(error);
        },
      );
  }

  #writeMetas(fields: Map<string, string>): Promise<void> {
    const ttl = this.ttlSeconds;
    return this.#link.run(async (client) => {
      const entries = [...fields];
      const written = Promise.all(inBatches(entries).map((batch) => client.hset(this.#metaKey, ...batch.flat())));
      await (ttl === undefined ? written : Promise.all([written, client.expire(this.#metaKey, ttl)]));
    });
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Waits for the signatures sent so far; throws if some could not be written. */
  async flush(): Promise<void> {
    while (this.#pendingWrites.size > 0) await Promise.all(this.#pendingWrites);
    const failed = this.#failedWrites;
    if (failed.length === 0) return;
    this.#failedWrites = [];
    const first = failed[0] instanceof Error ? failed[0].message : String(failed[0]);
    throw new Error(`RedisCache: ${failed.length} signature write(s) to ${this.server} failed (results are stored; only miss explanations are missing): ${first}`);
  }

  /** Removes every key under the prefix (SCAN, then UNLINK), and nothing else. */
  async clear(): Promise<void> {
    await this.flush().catch(() => undefined); // what failed to be written is being cleared anyway
    const pattern = prefixPattern(this.prefix);
    await this.#link.run(async (client) => {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
    });
  }

  /**
   * Waits for pending signature writes, then closes the connection this cache opened (QUIT); a
   * client given as `client` stays open. Further use throws.
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#link.close();
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  #set(client: Redis, redisKey: string, bytes: Buffer): Promise<unknown> {
    return this.ttlSeconds === undefined ? client.set(redisKey, bytes) : client.set(redisKey, bytes, "EX", this.ttlSeconds);
  }

  #encode(key: string, entry: CacheEntry): Buffer {
    if (typeof key !== "string") throw new TypeError(`RedisCache: a key must be a string, got ${typeof key}`);
    if (!isCacheEntry(entry)) {
      throw new NotStorableError(
        `Cannot store the entry for key "${key}" in Redis: it is not a CacheEntry ({ value, outputHash: string, createdAt and ` +
          "durationMs: finite numbers, itemHashes?: string[], nodeName?: string }), so it could not be read back",
        undefined,
        undefined,
      );
    }
    const label = nodeLabel(entry);
    const unstorable = findUnstorable(entry.value);
    if (unstorable) {
      throw new NotStorableError(
        `Cannot store ${label} in Redis: ${unstorable.path} ${unstorable.reason}. ` +
          "To cache it, return plain data (objects, arrays, Map, Set, Date, typed arrays).",
        entry.nodeName,
        unstorable.path,
      );
    }
    let bytes: Buffer;
    try {
      bytes = encodeEntry(key, entry);
    } catch (error) {
      throw new NotStorableError(`Cannot store ${label} in Redis: v8 serialisation failed: ${(error as Error).message}`, entry.nodeName, undefined, { cause: error });
    }
    if (bytes.length > MAX_VALUE_BYTES) {
      throw new NotStorableError(`Cannot store ${label} in Redis: it serialises to ${bytes.length} bytes, more than Redis's 512 MiB limit for one value`, entry.nodeName, undefined);
    }
    return bytes;
  }

  #decode(bytes: Buffer, key: string): CacheEntry | undefined {
    const decoded = decodeEntry(bytes, key);
    if (decoded.ok) return decoded.entry;
    if (debugCache.enabled) debugCache(`redis ${this.server}: entry ${key} is unreadable (${decoded.problem}), read as a miss`);
    return undefined;
  }

  /** A write the server refused (out of memory, read-only replica…) or a lost connection. */
  #refused(entry: CacheEntry, error: unknown): Error {
    if (!(error instanceof Error) || error.name !== "ReplyError") return this.#link.explain(error) as Error;
    return new NotStorableError(`Cannot store ${nodeLabel(entry)} in Redis at ${this.server}: the server refused it: ${error.message}`, entry.nodeName, undefined, { cause: error });
  }
}

function nodeLabel(entry: CacheEntry): string {
  return entry.nodeName === undefined ? "this result" : `the result of node "${entry.nodeName}"`;
}

/** A key holding another Redis type (a list, a hash…) is not ours: absent. */
interface MetaReads {
  names: string[];
  waiters: { resolve(signature: NodeSignature | undefined): void; reject(error: unknown): void }[];
}

function nullIfWrongType(error: unknown): null {
  if (error instanceof Error && error.message.startsWith("WRONGTYPE")) return null;
  throw error;
}

function inBatches<T>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += BATCH_SIZE) batches.push(items.slice(start, start + BATCH_SIZE));
  return batches;
}

/** Writes cut into batches of at most BATCH_SIZE entries and about BATCH_BYTES (a large value gets a batch of its own). */
function inWriteBatches<T extends { bytes: Buffer }>(writes: readonly T[]): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const write of writes) {
    if (batch.length > 0 && (batch.length === BATCH_SIZE || bytes + write.bytes.length > BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(write);
    bytes += write.bytes.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function checkedUrl(url: unknown): string {
  if (typeof url === "string" && (/^rediss?:\/\//.test(url) || url.startsWith("/"))) return url;
  throw new TypeError(`RedisCache: url must look like redis://host:6379 (rediss:// for TLS) or be a unix socket path, got ${typeof url === "string" ? JSON.stringify(maskPassword(url)) : String(url)}`);
}

function looksLikeRedisClient(client: unknown): client is Redis {
  if (client === null || typeof client !== "object") return false;
  const candidate = client as Partial<Record<"getBuffer" | "mgetBuffer" | "mset" | "callBuffer" | "hset" | "scan", unknown>> & { options?: unknown };
  return (
    typeof candidate.getBuffer === "function" &&
    typeof candidate.mgetBuffer === "function" &&
    typeof candidate.mset === "function" &&
    typeof candidate.callBuffer === "function" &&
    typeof candidate.hset === "function" &&
    typeof candidate.scan === "function" &&
    typeof candidate.options === "object"
  );
}
