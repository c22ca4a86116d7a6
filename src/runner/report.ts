/**
 * The `[CACHE]` summary a run prints on stderr: one part per node, joined by ` | `.
 *   [CACHE] result: ✗ MISS (1.00s) | [CACHE] doubled: ✓ HIT | total: NO-CACHE (0.01s)
 * A mapped node gives one part with its hit and miss counts.
 */
import type { CacheConfig } from "../cache/config.js";
import { reasonLabel, type MissExplanation } from "./reasons.js";
import type { CallOutcome, NodeRunStats, RunStats } from "./stats.js";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

function explanation(event: CallOutcome | undefined): string {
  if (!event || event.status !== "miss" || !event.reason) return "";
  return `, ${reasonLabel(event as MissExplanation)}`;
}

function notStored(node: NodeRunStats, events: CallOutcome[]): string {
  if (node.notStored === 0) return "";
  const first = events.find((event) => event.stored === false);
  const count = node.mapped ? `${node.notStored} ` : "";
  return `, ${count}not stored: ${first?.notStoredReason ?? "unknown reason"}`;
}

/** `events`: the node's events other than hits (its misses and uncached calls). */
function part(node: NodeRunStats, events: CallOutcome[], explain: boolean): string {
  const time = seconds(node.durationMs);
  if (node.failed) return `[CACHE] ${node.output}: ✗ FAILED`;
  // A mapped node cached as a whole (perItemCaching: false) is one lookup, like an unmapped node.
  if (node.mapped && !node.cachedWhole) {
    if (node.items === 0) return `[CACHE] ${node.output}: 0 items`;
    if (node.noCache === node.items) return `${node.output}: NO-CACHE ×${node.items} (${time})`;
    const counts = [node.hits ? `${node.hits} ✓ HIT` : "", node.misses ? `${node.misses} ✗ MISS` : ""].filter(Boolean).join(", ");
    const why = explain ? summariseReasons(events) : "";
    const timing = node.misses ? ` (${time}${why}${notStored(node, events)})` : "";
    return `[CACHE] ${node.output}: ${counts}${timing}`;
  }
  if (node.hits > 0) return `[CACHE] ${node.output}: ✓ HIT`;
  const event = events[0];
  if (!event || event.status === "no-cache") return `${node.output}: NO-CACHE (${time})`;
  return `[CACHE] ${node.output}: ✗ MISS (${time}${explain ? explanation(event) : ""}${notStored(node, events)})`;
}

/** For a mapped node: how many items missed for each reason. */
function summariseReasons(events: CallOutcome[]): string {
  return countReasons(events)
    .map(([label, count]) => `, ${count} ${label}`)
    .join("");
}

/** How many misses there are per reason label, in order of first appearance. */
export function countReasons(events: readonly CallOutcome[]): [label: string, count: number][] {
  const counts = new Map<string, number>();
  for (const event of events) {
    if (event.status !== "miss" || !event.reason) continue;
    const label = event.reason === "new" ? "new" : reasonLabel(event as MissExplanation);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts];
}

export function formatCacheSummary(stats: RunStats, explain: boolean): string {
  return stats.nodes.map((node) => part(node, stats.nonHitOutcomes(node), explain)).join(" | ");
}

/** Writes the summary of a finished run to stderr, when the cache is on and verbose. */
export function reportRun(stats: RunStats, config: CacheConfig): void {
  if (!config.enabled || !config.verbose || stats.nodes.length === 0) return;
  process.stderr.write(`${formatCacheSummary(stats, config.verbose === "explain")}\n`);
}
