/**
 * What every node of one run shares: the cache settings, the values produced so far, the stats,
 * the observers and where functions run.
 */
import type { CacheConfig } from "../cache/config.js";
import type { PipelineNode } from "../graph.js";
import type { Executor } from "./executor.js";
import type { Observers } from "./observer.js";
import type { Limiter } from "./pool.js";
import type { Slot } from "./slots.js";
import type { RunStats } from "./stats.js";

export interface RunContext {
  config: CacheConfig;
  /** The run inputs and the outputs produced so far, by name. */
  slots: Map<string, Slot>;
  /** See `RunPlan.itemHashReaders`. */
  itemHashReaders: ReadonlyMap<string, number>;
  stats: RunStats;
  observers: Observers;
  executor: Executor;
  /** The run's `concurrency`: slots for asynchronous calls, shared by every node. */
  limiter: Limiter;
  /** Reports a backend problem (a failed lookup or store) once per message. */
  warn(message: string): void;
  /** Nodes the run recomputes without looking them up (`refresh`); their results are stored over the old. */
  refresh: ReadonlySet<PipelineNode>;
  /** Nothing runs and nothing is stored: each call is looked up, and what would run is recorded (dry-run.ts). */
  dryRun: boolean;
}
