/**
 * What a run tells whoever watches it: the progress display, the debug log. Every method is
 * optional. The runner calls its observers through `Observers`, which keeps a failing observer
 * from failing the run.
 */
import type { PipelineNode } from "../graph.js";
import type { CacheStats, CacheStatus, NodeRunStats, RunEvent } from "./stats.js";

export interface RunObserver {
  /** The nodes in plan order. */
  runStarted?(nodes: readonly PipelineNode[]): void;
  /** `items` is the item count of a mapped node, undefined for a node that runs once. */
  nodeStarted?(node: PipelineNode, items: number | undefined): void;
  itemFinished?(node: PipelineNode, status: CacheStatus): void;
  /**
   * Each call's event as it happens (hit, miss, uncached call, failure), with its key and, for a
   * miss, why and whether it was stored. A hit costs an event object only when an observer has this.
   */
  callFinished?(event: RunEvent): void;
  nodeFinished?(node: PipelineNode, stats: NodeRunStats): void;
  runFinished?(stats: CacheStats, error?: unknown): void;
}

/** An observer with the name its warnings use when it throws ("progress display"). */
export interface NamedObserver {
  name: string;
  observer: RunObserver;
}

/**
 * The observers of one run. One that throws is reported once, as a warning naming it, and not
 * called again. `watchesItems` and `watchesCalls` let hot paths skip building arguments nobody reads.
 */
export class Observers {
  readonly watchesItems: boolean;
  readonly watchesCalls: boolean;
  private live: NamedObserver[];

  constructor(observers: readonly (NamedObserver | undefined)[]) {
    this.live = observers.filter((entry): entry is NamedObserver => entry !== undefined);
    this.watchesItems = this.live.some((entry) => entry.observer.itemFinished);
    this.watchesCalls = this.live.some((entry) => entry.observer.callFinished);
  }

  runStarted(nodes: readonly PipelineNode[]): void {
    for (const entry of this.live) if (entry.observer.runStarted) this.guard(entry, () => entry.observer.runStarted!(nodes));
  }

  nodeStarted(node: PipelineNode, items: number | undefined): void {
    for (const entry of this.live) if (entry.observer.nodeStarted) this.guard(entry, () => entry.observer.nodeStarted!(node, items));
  }

  /** Once per call: a plain loop, no closure unless an observer throws. */
  itemFinished(node: PipelineNode, status: CacheStatus): void {
    for (const entry of this.live) {
      if (!entry.observer.itemFinished) continue;
      try {
        entry.observer.itemFinished(node, status);
      } catch (error) {
        this.failed(entry, error);
      }
    }
  }

  callFinished(event: RunEvent): void {
    for (const entry of this.live) if (entry.observer.callFinished) this.guard(entry, () => entry.observer.callFinished!(event));
  }

  nodeFinished(node: PipelineNode, stats: NodeRunStats): void {
    for (const entry of this.live) if (entry.observer.nodeFinished) this.guard(entry, () => entry.observer.nodeFinished!(node, stats));
  }

  runFinished(stats: CacheStats, error: unknown): void {
    for (const entry of this.live) if (entry.observer.runFinished) this.guard(entry, () => entry.observer.runFinished!(stats, error));
  }

  private guard(entry: NamedObserver, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.failed(entry, error);
    }
  }

  private failed(entry: NamedObserver, error: unknown): void {
    if (!this.live.includes(entry)) return;
    // A new array: a loop over the old one may be running.
    this.live = this.live.filter((other) => other !== entry);
    process.emitWarning(`daft: ${entry.name} failed and was ignored: ${(error as Error)?.message ?? String(error)}`, "DaftWarning");
  }
}
