/**
 * Writing files so that readers see either nothing or the whole file.
 *
 * Content goes to a temp name in the destination folder (same file system, so the final step is
 * a rename, never a copy), then:
 * - `writeFileAtomic` renames it over the final name: last writer wins, readers holding the old
 *   file keep reading the old, complete inode;
 * - `publishNew` hard-links it to the final name, which fails if the name exists: a
 *   compare-and-swap on a file name, the basis of the disk cache's metadata merge
 * A process killed midway leaves at most a temp file (named by temp-name.ts, so a scan can tell
 * when its writer is dead). Used by the disk cache and by the transform's cache file.
 * There is no fsync: a killed process cannot lose data the kernel already has, and after a
 * power cut a damaged metadata file reads as empty (signatures only explain misses).
 */
import { closeSync, linkSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, sep } from "node:path";
import { tempNameFor } from "./temp-name.js";

export function writeFileAtomic(finalPath: string, chunks: readonly Uint8Array[], options: { createDir?: boolean } = {}): void {
  const tempPath = writeTemp(finalPath, chunks, options);
  try {
    renameSync(tempPath, finalPath);
  } catch (error) {
    removeQuietly(tempPath);
    throw error;
  }
}

/** A fresh temp path in the folder of `finalPath`. */
export function tempPathBeside(finalPath: string): string {
  return dirname(finalPath) + sep + tempNameFor(basename(finalPath));
}

/** Writes the chunks to a fresh temp file beside `finalPath` (creating the folder if needed, unless told not to). */
export function writeTemp(finalPath: string, chunks: readonly Uint8Array[], { createDir = true }: { createDir?: boolean } = {}): string {
  const dir = dirname(finalPath);
  const tempPath = tempPathBeside(finalPath);
  let fd: number;
  try {
    fd = openSync(tempPath, "w");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !createDir) throw error;
    // The folder does not exist yet, or another process's clear() just removed it.
    mkdirSync(dir, { recursive: true });
    fd = openSync(tempPath, "w");
  }
  try {
    for (const chunk of chunks) writeAll(fd, chunk);
    closeSync(fd);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    removeQuietly(tempPath);
    throw error;
  }
  return tempPath;
}

function writeAll(fd: number, chunk: Uint8Array): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

/** Codes meaning "this file system has no hard links"; publishing then falls back to rename. */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

/**
 * Moves a complete temp file to `finalPath` only if nothing exists there yet. Returns false when
 * another writer got there first. The temp file is gone afterwards either way.
 */
export function publishNew(tempPath: string, finalPath: string): boolean {
  try {
    linkSync(tempPath, finalPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "EEXIST") return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    // Without hard links there is no atomic create-if-absent that also carries content; a rename
    // is still atomic for readers, only two simultaneous writers may then overwrite each other.
    renameSync(tempPath, finalPath);
    return true;
  } finally {
    removeQuietly(tempPath);
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or never created
  }
}

export function removeTreeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread without spinning the CPU; the backend is synchronous by design. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
