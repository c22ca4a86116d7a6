/**
 * File stamps: what one `stat` says about a file (size and mtime), and whether that is enough
 * to trust a content hash recorded earlier without reading the file again.
 *
 * A stamp is trusted only if it was taken long enough after the file's last write: an edit made
 * within the file system's timestamp granularity of the moment the file was read may leave size
 * and mtime unchanged. Such a "racy" stamp is recorded with mtime -1, so it never matches a
 * stat and the file's bytes decide instead (see FileRecords).
 */
import { statSync } from "node:fs";

/** `[path or key, size, mtimeMs, content hash]`; size -1: the file did not exist. */
export type Stamp = [path: string, size: number, mtimeMs: number, hash: string];

/** An edit this close (ms) to the moment a file was read may not have moved its mtime. */
export const RACY_WINDOW_MS = 2000;

export const MISSING_SIZE = -1;
/** The mtime of a stamp taken too soon after a write to be trusted. */
export const UNTRUSTED_MTIME = -1;

/** Size and mtime of a file, or undefined when there is no such file. */
export interface FileStat {
  size: number;
  mtimeMs: number;
}

/**
 * Memoised stats: within one build (or one loader process) each file is statted once, however
 * many modules reach it; a watcher's `forget` makes the next look-up stat again.
 */
export class StatCache {
  private readonly stats = new Map<string, FileStat | null>();

  get(path: string): FileStat | undefined {
    let known = this.stats.get(path);
    if (known === undefined) {
      known = statFile(path) ?? null;
      this.stats.set(path, known);
    }
    return known ?? undefined;
  }

  forget(path: string): void {
    this.stats.delete(path);
  }

  forgetAll(): void {
    this.stats.clear();
  }
}

/** One options object for every call: `statSync` takes twice as long when handed a new one each time. */
export const STAT_NO_THROW = { throwIfNoEntry: false } as const;

/**
 * A path ending in `/` stands for a folder's list of entries (what a template-literal `import()`
 * can load depends on it): its stamp is the folder's own size and mtime, which change when an
 * entry is added, removed or renamed, and its content hash is that of the sorted names.
 */
export function isListing(path: string): boolean {
  return path.endsWith("/") || path.endsWith("\\");
}

/** Size and mtime of the regular file at `path` (of the folder, for a listing) now (not memoised), or undefined when there is none. */
export function statFile(path: string): FileStat | undefined {
  try {
    const stats = statSync(path, STAT_NO_THROW);
    if (!stats) return undefined;
    return (isListing(path) ? stats.isDirectory() : stats.isFile()) ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** The stamp of a file whose content hash is `hash`, as `stat` saw it when it was read at `readAt` (ms). */
export function stampOf(path: string, stat: FileStat | undefined, readAt: number, hash: string): Stamp {
  if (!stat) return [path, MISSING_SIZE, 0, hash];
  return [path, stat.size, readAt - stat.mtimeMs >= RACY_WINDOW_MS ? stat.mtimeMs : UNTRUSTED_MTIME, hash];
}

/** Whether the file is certainly unchanged since the stamp was taken (false means: look at its bytes). */
export function stampHolds(stamp: Stamp, stat: FileStat | undefined): boolean {
  if (!stat) return stamp[1] === MISSING_SIZE;
  return stat.size === stamp[1] && stat.mtimeMs === stamp[2];
}
