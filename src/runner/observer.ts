/**
 * What a run tells whoever watches it (the progress display). Every method is optional, and a
 * failing observer never fails a run: the runner calls it through `safely`.
 */
import type { PipelineNode } from "../pipeline.js";
import type { CacheStats, CacheStatus, NodeRunStats } from "./stats.js";

export interface RunObserver {
  /** The nodes in the order they will run. */
  runStarted?(nodes: readonly PipelineNode[]): void;
  /** `items` is the item count of a mapped node, undefined for a node that runs once. */
  nodeStarted?(node: PipelineNode, items: number | undefined): void;
  itemFinished?(node: PipelineNode, status: CacheStatus): void;
  nodeFinished?(node: PipelineNode, stats: NodeRunStats): void;
  runFinished?(stats: CacheStats, error?: unknown): void;
}

/** Calls an observer method, swallowing (and reporting once) whatever it throws. */
export function safely<K extends keyof RunObserver>(
  observer: RunObserver | undefined,
  method: K,
  ...args: Parameters<NonNullable<RunObserver[K]>>
): void {
  const fn = observer?.[method] as ((...a: unknown[]) => void) | undefined;
  if (!fn) return;
  try {
    fn.apply(observer, args);
  } catch (error) {
    if (!(observer as { failed?: boolean }).failed) {
      (observer as { failed?: boolean }).failed = true;
      process.emitWarning(`daft: progress display failed and was ignored: ${(error as Error)?.message ?? String(error)}`, "DaftWarning");
    }
  }
}
