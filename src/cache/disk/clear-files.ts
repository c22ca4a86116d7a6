/**
 * Removing everything a disk cache created, and only that: files and folders are matched by the
 * names in layout.ts, so anything else a user keeps in the cache directory survives, and folders
 * are removed only once empty. Temp files of writers still running are left to them.
 */
import { rmdirSync } from "node:fs";
import { sep } from "node:path";
import { removeQuietly } from "../../fs/atomic-write.js";
import { isAbandonedTemp, readdirQuietly } from "./blob-scan.js";
import { BLOB_FILE_NAME, SHARD_DIR_NAME, type CacheLayout } from "./layout.js";

const META_FILE = /^[a-z0-9-]+\.\d+\.json$/;
const LOCK_FILE = /^[a-z0-9-]+\.lock(\..+\.broken)?$/;

export function clearCacheFiles(layout: CacheLayout): void {
  const now = Date.now();
  for (const shard of readdirQuietly(layout.blobs)) {
    if (!SHARD_DIR_NAME.test(shard)) continue;
    const dir = layout.blobs + sep + shard;
    removeMatching(dir, (name) => BLOB_FILE_NAME.test(name) || isAbandonedTemp(dir + sep + name, name, now));
    removeDirIfEmpty(dir);
  }
  removeDirIfEmpty(layout.blobs);
  removeMatching(layout.meta, (name) => META_FILE.test(name) || isAbandonedTemp(layout.meta + sep + name, name, now));
  removeDirIfEmpty(layout.meta);
  removeMatching(layout.locks, (name) => LOCK_FILE.test(name) || isAbandonedTemp(layout.locks + sep + name, name, now));
  removeDirIfEmpty(layout.locks);
}

function removeMatching(dir: string, matches: (name: string) => boolean): void {
  for (const name of readdirQuietly(dir)) if (matches(name)) removeQuietly(dir + sep + name);
}

function removeDirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (a user's file, a live writer's temp file) or already gone
  }
}
