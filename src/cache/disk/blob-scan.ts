/**
 * Walks the blob folders: the one place that looks at every stored file (eviction, listings,
 * clear). Costs one `readdir` per shard folder and one `stat` per file; nothing is opened.
 */
import { readdirSync, statSync } from "node:fs";
import { sep } from "node:path";
import { isProcessAlive } from "./process-lock.js";
import { BLOB_FILE_NAME, SHARD_DIR_NAME, blobIdFromPath, type CacheLayout } from "./layout.js";
import { HOST_TAG, parseTempName } from "../../fs/temp-name.js";

export interface ScannedBlob {
  /** The 16-hex id (the key itself for runner keys). */
  id: string;
  path: string;
  bytes: number;
  /** Last write or use, in ms since the epoch: the file's modification time (see access-times.ts). */
  lastAccess: number;
}

export interface BlobScan {
  blobs: ScannedBlob[];
  /** Temp files whose writer is certainly gone (dead pid on this host, or a day old). */
  abandonedTemps: string[];
  shardDirs: string[];
}

/** Temp files of writers on other hosts are only presumed abandoned after this long. */
const FOREIGN_TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export function scanBlobs(layout: CacheLayout, now = Date.now()): BlobScan {
  const scan: BlobScan = { blobs: [], abandonedTemps: [], shardDirs: [] };
  for (const shard of readdirQuietly(layout.blobs)) {
    if (!SHARD_DIR_NAME.test(shard)) continue;
    const dir = layout.blobs + sep + shard;
    scan.shardDirs.push(dir);
    for (const name of readdirQuietly(dir)) {
      const path = dir + sep + name;
      if (BLOB_FILE_NAME.test(name)) {
        const stats = statQuietly(path);
        if (stats) scan.blobs.push({ id: blobIdFromPath(shard, name), path, bytes: stats.size, lastAccess: stats.mtimeMs });
      } else if (isAbandonedTemp(path, name, now)) {
        scan.abandonedTemps.push(path);
      }
    }
  }
  return scan;
}

export function isAbandonedTemp(path: string, name: string, now: number): boolean {
  const writer = parseTempName(name);
  if (!writer) return false;
  if (writer.host === HOST_TAG && writer.pid !== process.pid && !isProcessAlive(writer.pid)) return true;
  const stats = statQuietly(path);
  return stats !== undefined && now - stats.mtimeMs > FOREIGN_TEMP_MAX_AGE_MS;
}

export function readdirQuietly(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function statQuietly(path: string): { size: number; mtimeMs: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Temp files of dead writers directly inside `dir` (the metadata and lock folders). */
export function abandonedTempsIn(dir: string, now = Date.now()): string[] {
  return readdirQuietly(dir)
    .filter((name) => isAbandonedTemp(dir + sep + name, name, now))
    .map((name) => dir + sep + name);
}
