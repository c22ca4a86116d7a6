/**
 * Stored results, one file each (see layout.ts for where, blob-format.ts for what is inside).
 *
 * Reads are synchronous and cheap: open, fstat, read, close, checksum, deserialise. Every failure
 * (absent, damaged, unreadable, written by a newer daft) is a miss; a damaged file is deleted so
 * the next write replaces it cleanly.
 *
 * A hit counts as a use for eviction (least recently used first). Uses are recorded in memory and
 * written as file modification times on flush: touching a file on every hit would add a syscall
 * to the path that must stay fastest (bench/disk-cache-access-time.mjs measures both), and a file
 * used in the last minute is recent enough for any eviction decision, so it is not touched again.
 */
import { closeSync, fstatSync, openSync, readSync, utimesSync } from "node:fs";
import type { CacheEntry } from "../types.js";
import { writeFileAtomic, removeQuietly } from "../../fs/atomic-write.js";
import { decodeBlob, decodeInfo, encodeBlob, INFO_PROBE_BYTES, type BlobInfo } from "./blob-format.js";
import { blobIdOf, blobPath, type CacheLayout } from "./layout.js";
import { NotStorableError } from "../values/not-storable-error.js";
import { findUnstorable } from "../values/storable.js";
import { debugCache } from "../../debug/index.js";

/** Uses closer together than this are one use as far as eviction is concerned. */
export const ACCESS_RESOLUTION_MS = 60_000;

export class BlobStore {
  readonly #layout: CacheLayout;
  /** Files hit whose recorded last use is older than ACCESS_RESOLUTION_MS, with the hit's time. */
  readonly #used = new Map<string, number>();
  /** Bytes this instance wrote since the last `takeBytesWritten()`, for the size estimate. */
  #bytesWritten = 0;

  constructor(layout: CacheLayout) {
    this.#layout = layout;
  }

  get hasPendingUses(): boolean {
    return this.#used.size > 0;
  }

  read(key: string): CacheEntry | undefined {
    const path = blobPath(this.#layout, blobIdOf(key));
    const file = readWhole(path);
    if (!file) return undefined;
    const decoded = decodeBlob(file.bytes, key);
    if (!decoded.ok) {
      if (debugCache.enabled) debugCache(`${path}: ${decoded.problem} (${decoded.detail}), read as a miss`);
      if (decoded.problem === "damaged") removeQuietly(path);
      return undefined;
    }
    const now = Date.now();
    if (file.mtimeMs < now - ACCESS_RESOLUTION_MS) this.#used.set(path, now);
    return decoded.entry;
  }

  /** Stores the entry or throws NotStorableError, leaving nothing behind. */
  write(key: string, entry: CacheEntry): void {
    const nodeLabel = entry.nodeName === undefined ? "this result" : `the result of node "${entry.nodeName}"`;
    const unstorable = findUnstorable(entry.value);
    if (unstorable) {
      throw new NotStorableError(
        `Cannot store ${nodeLabel} in the disk cache: ${unstorable.path} ${unstorable.reason}. ` +
          "To cache it, return plain data (objects, arrays, Map, Set, Date, typed arrays).",
        entry.nodeName,
        unstorable.path,
      );
    }
    let chunks: Buffer[];
    try {
      chunks = encodeBlob(key, entry);
    } catch (error) {
      throw new NotStorableError(`Cannot store ${nodeLabel} in the disk cache: v8 serialisation failed: ${(error as Error).message}`, entry.nodeName, undefined, { cause: error });
    }
    const path = blobPath(this.#layout, blobIdOf(key));
    try {
      writeFileAtomic(path, chunks);
    } catch (error) {
      throw new NotStorableError(`Cannot store ${nodeLabel} in the disk cache: writing ${path} failed: ${(error as Error).message}`, entry.nodeName, undefined, { cause: error });
    }
    for (const chunk of chunks) this.#bytesWritten += chunk.length;
  }

  takeBytesWritten(): number {
    const bytes = this.#bytesWritten;
    this.#bytesWritten = 0;
    return bytes;
  }

  /** Writes recorded uses as modification times; returns how many files were touched. */
  persistUses(): number {
    let touched = 0;
    for (const [path, usedAt] of this.#used) {
      try {
        utimesSync(path, usedAt / 1000, usedAt / 1000);
        touched += 1;
      } catch {
        // evicted or cleared meanwhile
      }
    }
    this.#used.clear();
    return touched;
  }

  forgetUses(): void {
    this.#used.clear();
  }
}

function readWhole(path: string): { bytes: Buffer; mtimeMs: number } | undefined {
  let fd: number;
  // A miss is a failed open. Building the error's stack trace is most of its cost (8 µs of 9,
  // bench/disk-cache-lookup.mjs), and nobody sees that error, so none is captured. Synchronous
  // code cannot interleave, so the setting is restored before anything else runs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(fd, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { bytes: offset === size ? bytes : bytes.subarray(0, offset), mtimeMs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The info block of a blob file (node, creation time) without reading its payload. */
export function readBlobInfo(path: string): BlobInfo | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    let head = Buffer.alloc(INFO_PROBE_BYTES);
    head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    let info = decodeInfo(head);
    if (info && "needed" in info) {
      head = Buffer.alloc(info.needed);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
      info = decodeInfo(head);
    }
    return info && !("needed" in info) ? info : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
