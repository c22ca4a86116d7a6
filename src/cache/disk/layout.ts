/**
 * Where things live inside a cache directory. Everything the disk cache creates matches one of
 * the names below, which is how `clear()` tells our files from a user's:
 *
 *   <cacheDir>/values/data.mdb, lock.mdb       the LMDB environment holding values (value-store.ts)
 *   <cacheDir>/values/verified.json            the data file's state as daft last wrote it (store-env.ts)
 *   <cacheDir>/values/open-lock/               an empty LMDB environment whose writer lock is the store's lock (store-lock.ts)
 *   <cacheDir>/meta/s<2 hex>.<version>.json    flat-cache files: latest signatures (meta-store.ts)
 *   .<final name>.<host>-<pid>-<thread>-<n>.tmp   a file (or a folder: a lock being created) being
 *                                              written, next to its final name (src/fs/temp-name.ts)
 *
 * Earlier versions of daft kept one file per value, and a size counter and an eviction lock:
 *
 *   <cacheDir>/blobs/<2 hex>/<14 hex>.bin, <cacheDir>/meta/size.<version>.json,
 *   <cacheDir>/locks/evict.lock
 *
 * Those are never read (a value stored that way is a miss); `clear()` and `prune()` remove them.
 */
import { join } from "node:path";
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
