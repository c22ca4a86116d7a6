/**
 * Choosing and removing stored results: entries unused for longer than `maxAge` go first, then
 * the least recently used until the total is within `maxSize`.
 *
 * Removing is `unlink`, which is safe against concurrent readers: a reader that already opened
 * the file reads it whole (the inode lives until closed), one that opens it afterwards gets a
 * miss. Just before deleting, the file is stat'ed again; if it was used or rewritten since the
 * scan (its mtime moved), it is kept.
 */
import { unlinkSync } from "node:fs";
import { statQuietly, type ScannedBlob } from "./blob-scan.js";

export interface EvictionLimits {
  /** Keep the total size of blob files at or below this many bytes. */
  maxSize?: number;
  /** Remove entries not used for longer than this many milliseconds. */
  maxAge?: number;
}

export interface EvictionPlan {
  remove: ScannedBlob[];
  keep: ScannedBlob[];
}

export function planEviction(blobs: readonly ScannedBlob[], limits: EvictionLimits, now: number, targetSize = limits.maxSize): EvictionPlan {
  const remove: ScannedBlob[] = [];
  let keep: ScannedBlob[] = [];
  const oldest = limits.maxAge !== undefined && Number.isFinite(limits.maxAge) ? now - limits.maxAge : -Infinity;
  for (const blob of blobs) (blob.lastAccess < oldest ? remove : keep).push(blob);

  if (targetSize !== undefined && Number.isFinite(targetSize)) {
    let total = keep.reduce((sum, blob) => sum + blob.bytes, 0);
    if (total > targetSize) {
      // Least recently used first; ties broken by id so every process picks the same victims.
      keep.sort((a, b) => a.lastAccess - b.lastAccess || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      let cut = 0;
      while (cut < keep.length && total > targetSize) {
        total -= keep[cut]!.bytes;
        remove.push(keep[cut]!);
        cut += 1;
      }
      keep = keep.slice(cut);
    }
  }
  return { remove, keep };
}

/** Deletes the planned blobs that were not touched since they were scanned; returns those deleted. */
export function removeBlobs(blobs: readonly ScannedBlob[]): ScannedBlob[] {
  const removed: ScannedBlob[] = [];
  for (const blob of blobs) {
    const now = statQuietly(blob.path);
    if (!now) continue; // already gone (another process evicted it)
    if (now.mtimeMs !== blob.lastAccess) continue; // used or rewritten since the scan
    try {
      unlinkSync(blob.path);
      removed.push(blob);
    } catch {
      // vanished meanwhile
    }
  }
  return removed;
}
