/** The disk cache a `daft cache` command works on, opened for maintenance only. */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { DiskCache } from "../cache/disk/index.js";
import { CliError } from "./errors.js";

export interface OpenedCache {
  cache: DiskCache;
  /** The directory as the user wrote it (for messages). */
  shown: string;
}

/**
 * Opens `dir`, or returns undefined when it does not exist and `mustExist` is false. No limits
 * and no flush at exit: looking at a cache must never evict or write anything.
 */
export function openCache(dir: string, mustExist: boolean): OpenedCache | undefined {
  const absolute = resolve(dir);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    if (!mustExist) return undefined;
    throw new CliError(`no cache directory at ${dir} (${absolute}); pass --dir with the cacheDir of your DiskCache`);
  }
  if (!isDirectory) throw new CliError(`${dir} is not a directory; pass --dir with the cacheDir of your DiskCache`);
  return { cache: new DiskCache({ cacheDir: absolute, maxSize: Infinity, flushOnExit: false }), shown: dir };
}

/** Prints `value` as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
