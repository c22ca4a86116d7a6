/**
 * What one node tells the run as it goes: its `NodeRunStats` in `runner.stats`, and the
 * observers, call by call and once when it finishes. A call allocates nothing here unless an
 * observer asks for call events.
 */
import type { PipelineNode } from "../graph.js";
import type { RunContext } from "./context.js";
import type { NodeCalls } from "./node-calls.js";
import type { MissExplanation } from "./reasons.js";
import { NodeError } from "../errors.js";
import { callEvent, newNodeStats, type FailureEvent, type NodeLog, type NodeRunStats } from "./stats.js";

export class NodeReport {
  readonly stats: NodeRunStats;
  readonly node: PipelineNode;
  private startedAt = 0;
  private log!: NodeLog;
  /** The errors a failure event was sent for: the node's failure must not repeat its call's. */
  private readonly failuresSent = new Set<unknown>();

  constructor(
    private readonly calls: NodeCalls,
    private readonly run: RunContext,
  ) {
    this.node = calls.node;
    this.stats = newNodeStats(this.node.name, this.node.output, calls.mapped, calls.count);
  }

  /** `position`: the node's index in the plan, where its stats go in `runner.stats.nodes`. */
  started(position: number): void {
    this.log = this.run.stats.addNode(this.stats, position);
    this.startedAt = performance.now();
    this.run.observers.nodeStarted(this.node, this.calls.mapped ? this.calls.count : undefined);
  }

  /**
   * The hot path of an all-hit run: the stats log calls as runs of consecutive items and derive
   * their keys and build their events only if `events` is read (100k live key strings and event
   * objects cost the garbage collector more than deriving them twice). An observer of calls gets
   * its own event object, as it happens.
   */
  hit(item: number | undefined, durationMs: number): void {
    this.log.recordHit(this.calls, item, durationMs);
    const { observers } = this.run;
    if (observers.watchesCalls) observers.callFinished(callEvent(this.node.name, this.node.output, this.calls.keyOf(item), item, "hit", durationMs));
    if (observers.watchesItems) observers.itemFinished(this.node, "hit");
  }

  /** A miss: why it missed, and `true` when its result was stored, else why not. */
  miss(item: number | undefined, durationMs: number, why: MissExplanation, stored: true | string, worker?: string): void {
    this.log.recordMiss(this.calls, item, durationMs, why, stored, worker);
    const { observers } = this.run;
    if (observers.watchesCalls) {
      observers.callFinished(callEvent(this.node.name, this.node.output, this.calls.keyOf(item), item, "miss", durationMs, why, stored, worker));
    }
    if (observers.watchesItems) observers.itemFinished(this.node, "miss");
  }

  /** A call of a node that is not cached. */
  noCache(item: number | undefined, durationMs: number, worker?: string): void {
    const { output } = this.node;
    this.log.recordNoCache(output, item, durationMs, worker);
    const { observers } = this.run;
    if (observers.watchesCalls) observers.callFinished(callEvent(this.node.name, output, output, item, "no-cache", durationMs, undefined, undefined, worker));
    if (observers.watchesItems) observers.itemFinished(this.node, "no-cache");
  }

  /** Dry runs: a call that would run (a cached call that would miss, or an uncached call). */
  wouldRun(item: number | undefined, key: string, why: MissExplanation | undefined): void {
    const event = callEvent(this.node.name, this.node.output, key, item, why ? "miss" : "no-cache", 0, why);
    event.dryRun = true;
    this.log.record(event);
    const { observers } = this.run;
    if (observers.watchesCalls) observers.callFinished(event);
    if (observers.watchesItems) observers.itemFinished(this.node, event.status);
  }

  finished(): void {
    this.stats.durationMs = performance.now() - this.startedAt;
    this.run.observers.nodeFinished(this.node, this.stats);
  }

  /** A call that threw, as it happens (the node fails once its running calls settle). */
  callFailed(error: unknown): void {
    if (this.failuresSent.has(error) || !this.run.observers.watchesCalls) return;
    this.failuresSent.add(error);
    const item = error instanceof NodeError && error.node === this.node.name ? error.item : undefined;
    let key = this.node.output;
    try {
      key = this.calls.keyOf(item);
    } catch {
      // The item's key is what failed to be derived: the node's output names the call.
    }
    const event: FailureEvent = { node: this.node.name, output: this.node.output, key, status: "failed", durationMs: performance.now() - this.startedAt, error };
    if (item !== undefined) event.item = item;
    this.run.observers.callFinished(event);
  }

  /** The node failed with `error` (the run rejects with it, or with an earlier node's). */
  failed(error: unknown): void {
    this.stats.failed = true;
    this.callFailed(error);
  }
}
