/**
 * The `[CACHE]` summary a run prints on stderr: one part per node, joined by ` | `.
 *   [CACHE] result: ✗ MISS (1.00s) | [CACHE] doubled: ✓ HIT | total: NO-CACHE (0.01s)
 * A mapped node gives one part with its hit and miss counts.
 */
import type { CacheEvent, CacheStats, NodeRunStats } from "./stats.js";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

function explanation(event: CacheEvent | undefined): string {
  if (!event || event.status !== "miss" || !event.reason) return "";
  const detail = event.detail?.length ? `: ${event.detail.join(", ")}` : "";
  return event.reason === "new" && !detail ? ", new" : `, ${event.reason} changed${detail}`;
}

function notStored(node: NodeRunStats, events: CacheEvent[]): string {
  if (node.notStored === 0) return "";
  const first = events.find((event) => event.stored === false);
  const count = node.mapped ? `${node.notStored} ` : "";
  return `, ${count}not stored: ${first?.notStoredReason ?? "unknown reason"}`;
}

function part(node: NodeRunStats, events: CacheEvent[], explain: boolean): string {
  const time = seconds(node.durationMs);
  if (node.failed) return `[CACHE] ${node.output}: ✗ FAILED`;
  // A mapped node cached as a whole (perItemCaching: false) has one event, like an unmapped node.
  const cachedWhole = events.length === 1 && events[0]!.item === undefined && events[0]!.status !== "no-cache";
  if (node.mapped && !cachedWhole) {
    if (node.items === 0) return `[CACHE] ${node.output}: 0 items`;
    if (node.noCache === node.items) return `${node.output}: NO-CACHE ×${node.items} (${time})`;
    const counts = [node.hits ? `${node.hits} ✓ HIT` : "", node.misses ? `${node.misses} ✗ MISS` : ""].filter(Boolean).join(", ");
    const why = explain ? summariseReasons(events) : "";
    const timing = node.misses ? ` (${time}${why}${notStored(node, events)})` : "";
    return `[CACHE] ${node.output}: ${counts}${timing}`;
  }
  const event = events[0];
  if (!event || event.status === "no-cache") return `${node.output}: NO-CACHE (${time})`;
  if (event.status === "hit") return `[CACHE] ${node.output}: ✓ HIT`;
  return `[CACHE] ${node.output}: ✗ MISS (${time}${explain ? explanation(event) : ""}${notStored(node, events)})`;
}

/** For a mapped node: how many items missed for each reason. */
function summariseReasons(events: CacheEvent[]): string {
  const counts = new Map<string, number>();
  for (const event of events) {
    if (event.status !== "miss" || !event.reason) continue;
    const label = event.reason === "new" ? "new" : `${event.reason} changed${event.detail?.length ? `: ${event.detail.join(", ")}` : ""}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => `, ${count} ${label}`).join("");
}

export function formatCacheSummary(stats: CacheStats, explain: boolean): string {
  const byOutput = new Map<string, CacheEvent[]>();
  for (const event of stats.events) {
    let list = byOutput.get(event.output);
    if (!list) byOutput.set(event.output, (list = []));
    list.push(event);
  }
  return stats.nodes.map((node) => part(node, byOutput.get(node.output) ?? [], explain)).join(" | ");
}
