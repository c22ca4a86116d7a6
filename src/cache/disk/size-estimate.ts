/**
 * An approximate total size of the blob files, shared by every process using the directory, so
 * deciding whether to evict costs reading one small file rather than a stat of every entry.
 *
 * Each flush adds the bytes its process wrote (merged into the shared document, so concurrent
 * additions all count). An eviction scan replaces the estimate with the measured total plus
 * whatever other processes added while it scanned (`added` is a running sum of every addition),
 * so the estimate errs upwards, never downwards: if the files exceed `maxSize`, the estimate
 * does too, and the next flush that wrote something evicts. It drifts upwards when a key is
 * rewritten, downwards only when a process dies before flushing or files are deleted by hand;
 * the periodic rescan (`scannedAt`) corrects both.
 */
import type { VersionedDocs } from "./versioned-docs.js";

const SIZE_DOC = "size";

export interface SizeEstimate {
  /** Bytes of blob files, or undefined before the first scan. */
  bytes: number | undefined;
  /** Running total of every addition ever made. */
  added: number;
  /** When a scan last measured the real total, or undefined if never. */
  scannedAt: number | undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function estimateOf(entries: Map<string, unknown>): SizeEstimate {
  return { bytes: finite(entries.get("bytes")), added: finite(entries.get("added")) ?? 0, scannedAt: finite(entries.get("scannedAt")) };
}

function toEntries(estimate: SizeEstimate): Map<string, unknown> {
  const entries = new Map<string, unknown>([["added", estimate.added]]);
  if (estimate.bytes !== undefined) entries.set("bytes", estimate.bytes);
  if (estimate.scannedAt !== undefined) entries.set("scannedAt", estimate.scannedAt);
  return entries;
}

export function readSizeEstimate(docs: VersionedDocs): SizeEstimate {
  return estimateOf(docs.read(SIZE_DOC).entries);
}

export function addToSizeEstimate(docs: VersionedDocs, bytes: number): SizeEstimate {
  return estimateOf(
    docs.update(SIZE_DOC, (current) => {
      const estimate = estimateOf(current);
      return toEntries({ ...estimate, bytes: (estimate.bytes ?? 0) + bytes, added: estimate.added + bytes });
    }).entries,
  );
}

/**
 * Records a scan's result. `addedBeforeScan` is `added` as read before the scan started: what
 * was added since may or may not be among the measured files, so it is counted on top.
 */
export function recordMeasuredSize(docs: VersionedDocs, measured: number, scannedAt: number, addedBeforeScan: number): void {
  docs.update(SIZE_DOC, (current) => {
    const estimate = estimateOf(current);
    return toEntries({ bytes: measured + Math.max(0, estimate.added - addedBeforeScan), added: estimate.added, scannedAt });
  });
}
