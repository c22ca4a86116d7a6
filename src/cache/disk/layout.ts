/**
 * Where things live inside a cache directory. Everything the disk cache creates matches one of
 * the names below, which is how `clear()` and the scans tell our files from a user's:
 *
 *   <cacheDir>/blobs/<2 hex>/<14 hex>.bin    one stored result per file (see blob-format.ts)
 *   <cacheDir>/meta/<name>.<version>.json    flat-cache files: latest signatures, size counter
 *   <cacheDir>/locks/<name>.lock             held while a process evicts
 *   .<final name>.<host>-<pid>-<thread>-<n>.tmp   a file being written, next to its final name
 *
 * Blob files are sharded by the first two hex digits of their id: 256 folders, so a million
 * results make ~3,900 files per folder (the fan-out git uses for loose objects), which every
 * file system indexes well, while a small cache creates only the folders it needs.
 */
import { hostname } from "node:os";
import { join, sep } from "node:path";
import { threadId } from "node:worker_threads";
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
