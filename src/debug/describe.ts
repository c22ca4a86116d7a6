/**
 * What the components log under `DEBUG=daft:*`, kept here so each call site in the runtime is
 * one line behind an `enabled` test and costs nothing when logging is off.
 */
import type { Transformer } from "../transform/transformer.js";
import type { CacheEvent, CacheStats } from "../runner/stats.js";
import { debugRunner, debugTransform } from "./index.js";

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

/** Wraps `transformer.transform` to log each module it handles (only called when daft:transform is on). */
export function logTransforms<T extends Transformer>(transformer: T): T {
  const transform = transformer.transform.bind(transformer);
  transformer.transform = (code, id) => {
    const { transforms, warmHits: warmBefore } = transformer.stats;
    const started = performance.now();
    const result = transform(code, id);
    if (transformer.stats.transforms === transforms) return result; // no func call possible: not worth a line
    const how = transformer.stats.warmHits > warmBefore ? "warm cache" : "parsed";
    const took = (performance.now() - started).toFixed(2);
    if (!result) debugTransform(`${id}: no func calls (${took}ms)`);
    else debugTransform(`${id}: ${result.buildInfos.length} func call(s), ${result.watchFiles.length} closure file(s), ${how} (${took}ms)`);
    return result;
  };
  return transformer;
}
