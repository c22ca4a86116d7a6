/**
 * `DEBUG=daft:runner`: a line when a run starts, one per call (its key, hit or miss and why, its
 * time, whether it was stored) and one when the run ends. An observer of the run, added only
 * when the namespace is enabled, so a run without DEBUG pays nothing for it.
 */
import type { CacheConfig } from "../cache/config.js";
import { debugRunner } from "../debug/index.js";
import type { NamedObserver } from "./observer.js";

export function debugLogObserver(config: CacheConfig, inputNames: readonly string[]): NamedObserver | undefined {
  if (!debugRunner.enabled) return undefined;
  return {
    name: "debug log",
    observer: {
      runStarted(nodes) {
        const cache = config.enabled ? config.backend.constructor.name : "off";
        debugRunner(`run: ${nodes.length} nodes, inputs ${inputNames.join(", ") || "(none)"}, cache ${cache}`);
      },
      // e.g. `node "scores" scores::doc-1 miss (deps: src/helpers/format.mjs) 1.20ms stored`
      callFinished(event) {
        if (event.status === "failed") {
          debugRunner(`node "${event.node}" ${event.key} failed after ${event.durationMs.toFixed(2)}ms: ${(event.error as Error)?.message ?? String(event.error)}`);
          return;
        }
        const reason = event.reason ? ` (${event.reason}${event.detail?.length ? `: ${event.detail.join(", ")}` : ""})` : "";
        const stored = event.stored === undefined ? "" : event.stored ? " stored" : ` not stored: ${event.notStoredReason ?? "unknown reason"}`;
        debugRunner(`node "${event.node}" ${event.key} ${event.status}${reason} ${event.durationMs.toFixed(2)}ms${stored}`);
      },
      runFinished(stats, failure) {
        const outcome = failure === undefined ? "finished" : `failed (${(failure as Error)?.message ?? String(failure)})`;
        debugRunner(
          `run ${outcome} in ${stats.durationMs.toFixed(1)}ms: ${stats.hits} hits, ${stats.misses} misses, ${stats.noCache} not cached, ${stats.notStored} not stored`,
        );
      },
    },
  };
}
