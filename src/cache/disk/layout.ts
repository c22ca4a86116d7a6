/**
 * Where things live inside a cache directory. Everything the disk cache creates matches one of
 * the names below, which is how `clear()` and the scans tell our files from a user's:
 *
 *   <cacheDir>/blobs/<2 hex>/<14 hex>.bin    one stored result per file (see blob-format.ts)
 *   <cacheDir>/meta/<name>.<version>.json    flat-cache files: latest signatures, size counter
 *   <cacheDir>/locks/<name>.lock             held while a process evicts
 *   .<final name>.<host>-<pid>-<thread>-<n>.tmp   a file being written (src/fs/temp-name.ts)
 *
 * Blob files are sharded by the first two hex digits of their id: 256 folders, so a million
 * results make ~3,900 files per folder (the fan-out git uses for loose objects), which every
 * file system indexes well, while a small cache creates only the folders it needs.
 */
import { join, sep } from "node:path";
import { hashString } from "../../hashing/xxhash.js";

export const BLOBS_DIR = "blobs";
export const META_DIR = "meta";
export const LOCKS_DIR = "locks";

export const SHARD_DIR_NAME = /^[0-9a-f]{2}$/;
export const BLOB_FILE_NAME = /^[0-9a-f]{14}\.bin$/;
const HEX_KEY = /^[0-9a-f]{16}$/;

export interface CacheLayout {
  /** Absolute cache directory. */
  root: string;
  blobs: string;
  meta: string;
  locks: string;
}

export function layoutOf(cacheDir: string): CacheLayout {
  return { root: cacheDir, blobs: join(cacheDir, BLOBS_DIR), meta: join(cacheDir, META_DIR), locks: join(cacheDir, LOCKS_DIR) };
}

/**
 * The 16-hex id a key is stored under. The runner's keys already are 16-hex xxhashes and are
 * used as they are; any other string (a user calling `setBlob("my key")`) is hashed, so a key
 * can never name a path outside the cache. The key itself is stored in the file and compared
 * on read, so two keys sharing an id can never return each other's value.
 */
export function blobIdOf(key: string): string {
  return HEX_KEY.test(key) ? key : hashString(`daft-blob-key\u0000${key}`);
}

export function blobShardDir(layout: CacheLayout, id: string): string {
  return layout.blobs + sep + id.slice(0, 2);
}

/** Built by concatenation rather than `join`: it runs on every lookup. */
export function blobPath(layout: CacheLayout, id: string): string {
  return layout.blobs + sep + id.slice(0, 2) + sep + id.slice(2) + ".bin";
}

/** The id back from a shard folder name and a blob file name. */
export function blobIdFromPath(shard: string, fileName: string): string {
  return shard + fileName.slice(0, 14);
}
