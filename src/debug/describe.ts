/**
 * What the components log under `DEBUG=daft:*`, kept here so each call site in the runtime is
 * one line behind an `enabled` test and costs nothing when logging is off.
 */
import type { CacheEvent, CacheStats } from "../runner/stats.js";
import { debugRunner } from "./index.js";

/** One cache lookup of the runner: `scores::doc-1 miss (deps: src/helpers/format.mjs) 1.20ms stored`. */
export function logCacheEvent(event: CacheEvent): void {
  const reason = event.reason ? ` (${event.reason}${event.detail?.length ? `: ${event.detail.join(", ")}` : ""})` : "";
  const stored = event.stored === undefined ? "" : event.stored ? " stored" : ` not stored: ${event.notStoredReason ?? "unknown reason"}`;
  debugRunner(`node "${event.node}" ${event.key} ${event.status}${reason} ${event.durationMs.toFixed(2)}ms${stored}`);
}

export function logRunFinished(stats: CacheStats, failure: unknown): void {
  const outcome = failure === undefined ? "finished" : `failed (${(failure as Error)?.message ?? String(failure)})`;
  debugRunner(
    `run ${outcome} in ${stats.durationMs.toFixed(1)}ms: ${stats.hits} hits, ${stats.misses} misses, ${stats.noCache} not cached, ${stats.notStored} not stored`,
  );
}
