/**
 * What one node tells the run as it goes: its `NodeRunStats` in `runner.stats`, and the
 * observers, call by call and once when it finishes. A hit allocates nothing unless an observer
 * asks for call events.
 */
import type { PipelineNode } from "../graph.js";
import type { RunContext } from "./context.js";
import type { NodeCalls } from "./node-calls.js";
import type { MissExplanation } from "./reasons.js";
import { newNodeStats, type CacheEvent, type CacheStatus, type NodeLog, type NodeRunStats } from "./stats.js";

export class NodeReport {
  readonly stats: NodeRunStats;
  private readonly node: PipelineNode;
  private startedAt = 0;
  private log!: NodeLog;

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
   * The hot path of an all-hit run: the stats log hits as runs of consecutive items and derive
   * their keys again only if `events` is read (100k live key strings cost the garbage collector
   * more than deriving them twice).
   */
  hit(item: number | undefined, durationMs: number): void {
    this.log.recordHit(this.calls, item, durationMs);
    const { observers } = this.run;
    if (observers.watchesCalls) observers.callFinished(this.event(item, this.calls.keyOf(item), "hit", durationMs));
    if (observers.watchesItems) observers.itemFinished(this.node, "hit");
  }

  /** A miss: why it missed, and `true` when its result was stored, else why not. */
  miss(item: number | undefined, key: string, durationMs: number, why: MissExplanation, stored: true | string, worker?: string): void {
    const event: CacheEvent = { ...this.event(item, key, "miss", durationMs), ...why };
    event.stored = stored === true;
    if (stored !== true) event.notStoredReason = stored;
    if (worker !== undefined) event.worker = worker;
    this.record(event);
  }

  /** A call of a node that is not cached. */
  noCache(item: number | undefined, durationMs: number, worker?: string): void {
    const event = this.event(item, this.node.output, "no-cache", durationMs);
    if (worker !== undefined) event.worker = worker;
    this.record(event);
  }

  finished(): void {
    this.stats.durationMs = performance.now() - this.startedAt;
    this.run.observers.nodeFinished(this.node, this.stats);
  }

  failed(): void {
    this.stats.failed = true;
  }

  private record(event: CacheEvent): void {
    this.log.record(event);
    const { observers } = this.run;
    if (observers.watchesCalls) observers.callFinished(event);
    if (observers.watchesItems) observers.itemFinished(this.node, event.status);
  }

  private event(item: number | undefined, key: string, status: CacheStatus, durationMs: number): CacheEvent {
    const { name, output } = this.node;
    return item === undefined ? { node: name, output, key, status, durationMs } : { node: name, output, key, item, status, durationMs };
  }
}
