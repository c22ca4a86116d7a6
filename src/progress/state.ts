/**
 * What the progress display knows about a run: one row per node, updated from the runner's
 * observer calls. Plain data, so drawing is a pure function of it and the clock.
 */
import type { PipelineNode } from "../pipeline.js";
import type { CacheStatus, NodeRunStats } from "../runner/stats.js";

/** "cached": finished with every call a hit; "failed": was running when the run threw. */
export type RowStatus = "pending" | "running" | "done" | "cached" | "failed";

export interface ProgressRow {
  /** `name → output`, or the output alone when the function is anonymous. */
  label: string;
  status: RowStatus;
  /** Item count of a mapped node; undefined for a node that runs once. */
  items: number | undefined;
  /** Calls finished so far (items for a mapped node). */
  finished: number;
  hits: number;
  startedAt: number | undefined;
  /** Set when the node finished: its wall time as the runner measured it. */
  durationMs: number | undefined;
}

export class RunProgress {
  readonly rows: ProgressRow[] = [];
  private readonly byNode = new Map<PipelineNode, ProgressRow>();
  readonly startedAt: number;
  finishedAt: number | undefined;
  failed = false;

  constructor(nodes: readonly PipelineNode[], now: number) {
    this.startedAt = now;
    for (const node of nodes) {
      const row: ProgressRow = {
        label: node.name === node.output ? node.output : `${node.name} → ${node.output}`,
        status: "pending",
        items: undefined,
        finished: 0,
        hits: 0,
        startedAt: undefined,
        durationMs: undefined,
      };
      this.rows.push(row);
      this.byNode.set(node, row);
    }
  }

  nodeStarted(node: PipelineNode, items: number | undefined, now: number): void {
    const row = this.byNode.get(node);
    if (!row) return;
    row.status = "running";
    row.items = items;
    row.startedAt = now;
  }

  itemFinished(node: PipelineNode, status: CacheStatus): ProgressRow | undefined {
    const row = this.byNode.get(node);
    if (!row) return undefined;
    row.finished++;
    if (status === "hit") row.hits++;
    return row;
  }

  nodeFinished(node: PipelineNode, stats: NodeRunStats): ProgressRow | undefined {
    const row = this.byNode.get(node);
    if (!row) return undefined;
    const calls = stats.hits + stats.misses + stats.noCache;
    // A mapped node cached as a whole reports one event for all its items: count them all done.
    row.finished = row.items ?? Math.max(row.finished, 1);
    row.hits = stats.hits;
    row.durationMs = stats.durationMs;
    row.status = calls > 0 && stats.hits === calls ? "cached" : "done";
    return row;
  }

  runFinished(error: unknown, now: number): void {
    this.finishedAt = now;
    this.failed = error !== undefined;
    if (!this.failed) return;
    for (const row of this.rows) if (row.status === "running") row.status = "failed";
  }

  /** Nodes finished (done or cached). */
  get completed(): number {
    return this.rows.filter((row) => row.status === "done" || row.status === "cached").length;
  }
}
