/**
 * What a dry run prints on stderr: one line per node, in plan order, saying what would hit and
 * what would run and why.
 *
 *   daft dry run (nothing ran, nothing was stored): 1 of 4 nodes would hit, 3 would run
 *     embed → docVector     6 items: 5 would hit, 1 would run (1 new)
 *     queryVectors          would hit
 *     score → scores        6 items: 5 would hit, 1 would run (1 after docVector)
 *     ranking               would run (not cached)
 */
import { countReasons } from "./report.js";
import { DRY_RUN_VARIABLE } from "./dry-run-environment.js";
import { reasonLabel } from "./reasons.js";
import type { CallOutcome, NodeRunStats, RunStats } from "./stats.js";

const NOT_CACHED = "not cached";

function label(node: NodeRunStats): string {
  return node.node === node.output ? node.output : `${node.node} → ${node.output}`;
}

/** Why the calls of a node that would run would run, e.g. `3 new, 2 after docVector, 1 not cached`. */
function reasons(node: NodeRunStats, events: readonly CallOutcome[], counted: boolean): string {
  const parts = countReasons(events).map(([reason, count]) => (counted ? `${count} ${reason}` : reason));
  if (node.noCache > 0) parts.push(counted ? `${node.noCache} ${NOT_CACHED}` : NOT_CACHED);
  return parts.join(", ");
}

function describe(node: NodeRunStats, events: readonly CallOutcome[]): string {
  if (node.failed) return "failed";
  const wouldRun = node.misses + node.noCache;
  if (node.mapped && !node.cachedWhole) {
    if (node.items === 0) return "0 items";
    const parts = [node.hits > 0 ? `${node.hits} would hit` : "", wouldRun > 0 ? `${wouldRun} would run (${reasons(node, events, true)})` : ""];
    return `${node.items} items: ${parts.filter(Boolean).join(", ")}`;
  }
  if (wouldRun === 0) return "would hit";
  const event = events[0];
  return `would run (${event?.status === "miss" && event.reason ? reasonLabel({ reason: event.reason, detail: event.detail }) : NOT_CACHED})`;
}

export function formatDryRun(stats: RunStats): string {
  const rows = stats.nodes.map((node) => [label(node), describe(node, stats.nonHitOutcomes(node))] as const);
  const hitting = stats.nodes.filter((node) => !node.failed && node.misses + node.noCache === 0).length;
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  const head = `daft dry run (nothing ran, nothing was stored): ${hitting} of ${stats.nodes.length} nodes would hit, ${stats.nodes.length - hitting} would run`;
  return [head, ...rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)].join("\n");
}

export function reportDryRun(stats: RunStats): void {
  process.stderr.write(`${formatDryRun(stats)}\n`);
}

/**
 * Under `DAFT_DRY_RUN=1`, a run whose results the cache does not hold all ends the script: the
 * code after it would go on with results nothing computed. Nothing ran, so exit code 0.
 */
export function endScriptAfterDryRun(): never {
  process.stderr.write(`daft dry run (${DRY_RUN_VARIABLE}=1): the script stops here, since what follows would use results this run did not compute\n`);
  process.exit(0);
}
