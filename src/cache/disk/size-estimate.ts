/**
 * An approximate total size of the blob files, shared by every process using the directory, so
 * deciding whether to evict costs reading one small file rather than a stat of every entry.
 *
 * Each flush adds the bytes its process wrote (a merge of the shared document, so concurrent
 * additions all count); each eviction scan replaces the estimate with the measured total. It
 * drifts upwards when a key is rewritten and downwards when a process dies before flushing or
 * files are deleted by hand; the periodic rescan (`scannedAt`) corrects both.
 */
import type { VersionedDocs } from "./versioned-docs.js";

const SIZE_DOC = "size";

export interface SizeEstimate {
  /** Bytes of blob files, or undefined before the first scan. */
  bytes: number | undefined;
  /** When a scan last measured the real total, or undefined if never. */
  scannedAt: number | undefined;
}

function estimateOf(entries: Map<string, unknown>): SizeEstimate {
  const bytes = entries.get("bytes");
  const scannedAt = entries.get("scannedAt");
  return {
    bytes: typeof bytes === "number" && Number.isFinite(bytes) ? bytes : undefined,
    scannedAt: typeof scannedAt === "number" && Number.isFinite(scannedAt) ? scannedAt : undefined,
  };
}

export function readSizeEstimate(docs: VersionedDocs): SizeEstimate {
  return estimateOf(docs.read(SIZE_DOC).entries);
}

export function addToSizeEstimate(docs: VersionedDocs, bytes: number): SizeEstimate {
  return estimateOf(
    docs.update(SIZE_DOC, (current) => {
      const next = new Map(current);
      next.set("bytes", (estimateOf(current).bytes ?? 0) + bytes);
      return next;
    }).entries,
  );
}

export function recordMeasuredSize(docs: VersionedDocs, bytes: number, scannedAt: number): void {
  docs.update(SIZE_DOC, () => new Map<string, unknown>([["bytes", bytes], ["scannedAt", scannedAt]]));
}

export function isSizeDoc(name: string): boolean {
  return name === SIZE_DOC;
}
