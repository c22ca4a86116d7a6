/**
 * Removing files the disk cache created, and only those: names are matched exactly against
 * the ones daft writes (layout.ts), so anything else a user keeps in the cache directory, even
 * in its `meta/` or `locks/` folders, survives, and folders are removed only once empty. Temp
 * files of writers still running are left to them.
 *
 * The values store and the signature documents are removed by their owners (value-store.ts,
 * meta-store.ts); this removes what is left around them: the files of the earlier
 * one-file-per-value format, and temp files of dead writers.
 */
import { rmdirSync } from "node:fs";
import { join, sep } from "node:path";
import { removeQuietly, removeTreeQuietly } from "../../fs/atomic-write.js";
import { LEGACY, type CacheLayout } from "./layout.js";
import { isAbandonedTemp, readdirQuietly, statQuietly } from "./temp-files.js";

export interface LegacyFiles {
  files: number;
  bytes: number;
}

/** Removes the earlier format's files and abandoned temp files; says what it removed of the former. */
export function removeLegacyAndTemps(layout: CacheLayout, now = Date.now()): LegacyFiles {
  const removed: LegacyFiles = { files: 0, bytes: 0 };
  const blobs = join(layout.root, LEGACY.blobsDir);
  for (const shard of readdirQuietly(blobs)) {
    if (!LEGACY.shardDirName.test(shard)) continue;
    const dir = blobs + sep + shard;
    for (const name of readdirQuietly(dir)) {
      const path = dir + sep + name;
      if (LEGACY.blobFileName.test(name)) {
        removed.files += 1;
        removed.bytes += statQuietly(path)?.size ?? 0;
        removeQuietly(path);
      } else if (isAbandonedTemp(path, name, now)) {
        removeQuietly(path);
      }
    }
    removeDirIfEmpty(dir);
  }
  removeDirIfEmpty(blobs);
  const locks = join(layout.root, LEGACY.locksDir);
  removeMatching(locks, (name) => LEGACY.lockFileName.test(name) || isAbandonedTemp(locks + sep + name, name, now));
  removeDirIfEmpty(locks);
  removeMatching(layout.meta, (name) => LEGACY.metaDocName.test(name) || isAbandonedTemp(layout.meta + sep + name, name, now));
  // In values/, a temp may be a folder: the lock environment being created (store-lock.ts).
  for (const name of readdirQuietly(layout.values)) if (isAbandonedTemp(layout.values + sep + name, name, now)) removeTreeQuietly(layout.values + sep + name);
  return removed;
}

/** Files of the earlier format still present (for listings), without removing them. */
export function countLegacyFiles(layout: CacheLayout): LegacyFiles {
  const found: LegacyFiles = { files: 0, bytes: 0 };
  const blobs = join(layout.root, LEGACY.blobsDir);
  for (const shard of readdirQuietly(blobs)) {
    if (!LEGACY.shardDirName.test(shard)) continue;
    for (const name of readdirQuietly(blobs + sep + shard)) {
      if (!LEGACY.blobFileName.test(name)) continue;
      found.files += 1;
      found.bytes += statQuietly(blobs + sep + shard + sep + name)?.size ?? 0;
    }
  }
  return found;
}

function removeMatching(dir: string, matches: (name: string) => boolean): void {
  for (const name of readdirQuietly(dir)) if (matches(name)) removeQuietly(dir + sep + name);
}

export function removeDirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (a user's file, a live writer's temp file) or already gone
  }
}
