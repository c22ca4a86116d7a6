/**
 * Where things live inside a cache directory. Everything the disk cache creates matches one of
 * the names below, which is how `clear()` tells our files from a user's:
 *
 *   <cacheDir>/values/data.mdb, lock.mdb       the LMDB environment holding values (value-store.ts)
 *   <cacheDir>/values/verified.json            the data file's state as daft last wrote it (store-env.ts)
 *   <cacheDir>/meta/s<2 hex>.<version>.json    flat-cache files: latest signatures (meta-store.ts)
 *   .<final name>.<host>-<pid>-<thread>-<n>.tmp   a file being written, next to its final name
 *
 * Earlier versions of daft kept one file per value, and a size counter and an eviction lock:
 *
 *   <cacheDir>/blobs/<2 hex>/<14 hex>.bin, <cacheDir>/meta/size.<version>.json,
 *   <cacheDir>/locks/evict.lock
 *
 * Those are never read (a value stored that way is a miss); `clear()` and `prune()` remove them.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { hashString } from "../../hashing/xxhash.js";

export const VALUES_DIR = "values";
export const META_DIR = "meta";

/** The earlier format's folders and names (removed, never read). */
export const LEGACY = {
  blobsDir: "blobs",
  locksDir: "locks",
  shardDirName: /^[0-9a-f]{2}$/,
  blobFileName: /^[0-9a-f]{14}\.bin$/,
  metaDocName: /^size\.\d+\.json$/,
  lockFileName: /^evict\.lock(\..+\.broken)?$/,
};

const HEX_KEY = /^[0-9a-f]{16}$/;

export interface CacheLayout {
  /** Absolute cache directory. */
  root: string;
  values: string;
  meta: string;
}

export function layoutOf(cacheDir: string): CacheLayout {
  return { root: cacheDir, values: join(cacheDir, VALUES_DIR), meta: join(cacheDir, META_DIR) };
}

/**
 * The 16-hex id a key is stored under. The runner's keys already are 16-hex xxhashes and are
 * used as they are; any other string (a user calling `setBlob("my key")`) is hashed, so ids have
 * one short shape. The key itself is stored with the value and compared on read, so two keys
 * sharing an id can never return each other's value.
 */
export function blobIdOf(key: string): string {
  return HEX_KEY.test(key) ? key : hashString(`daft-blob-key\u0000${key}`);
}

/**
 * A short tag of this machine, so a scan can tell a temp file of a dead process on this host
 * (safe to delete now) from one of another host sharing the directory (left alone until old).
 */
export const HOST_TAG = hashString(hostname()).slice(0, 8);

let tempCounter = 0;

/**
 * A temp name beside `finalName`, unique among live writers: host, pid and thread tell writers
 * apart, the counter tells one writer's files apart. The leading dot keeps it out of listings.
 */
export function tempNameFor(finalName: string): string {
  tempCounter += 1;
  return `.${finalName}.${HOST_TAG}-${process.pid}-${threadId}-${tempCounter}.tmp`;
}

const TEMP_NAME = /^\..+\.([0-9a-f]{8})-(\d+)-(\d+)-(\d+)\.tmp$/;

/** Who wrote a temp file, or undefined when the name is not one of our temp names. */
export function parseTempName(name: string): { host: string; pid: number } | undefined {
  const match = TEMP_NAME.exec(name);
  return match ? { host: match[1]!, pid: Number(match[2]) } : undefined;
}
