/**
 * `Runner`: executes a pipeline. A run reads top to bottom:
 *   plan      pipeline.planFor(inputs): where each input comes from, the order (plan.ts)
 *   schedule  which node runs when (schedule.ts)
 *   per node  each call looked up, run on the executor if it missed, stored (node-run.ts)
 *   report    runner.stats, the observers (progress, debug log), the [CACHE] summary (report.ts)
 * The executor is where functions run: this process for mode "local" (local-executor.ts), a
 * thread pool, or `daft worker` processes (modes.ts).
 */
import { CacheConfig, type CacheConfigOptions } from "../cache/config.js";
import { runRefusedWhileImporting } from "../definition-site.js";
import { DefinitionError, ResolutionError } from "../errors.js";
import type { Pipeline } from "../pipeline.js";
import type { AnyDaftFunction, PipelineResult, RunArguments } from "../pipeline-types.js";
import type { RunPlan } from "../plan.js";
import { checkProgressOption, createProgressObserver, type ProgressOption } from "../progress/index.js";
import type { RunContext } from "./context.js";
import { debugLogObserver } from "./debug-log.js";
import type { Executor } from "./executor.js";
import { cacheConfigFor, checkedMode, executorFor, type ModeOptions, type RunnerMode } from "./modes.js";
import { runNode } from "./node-run.js";
import { Observers, type NamedObserver } from "./observer.js";
import { Limiter } from "./pool.js";
import { reportRun } from "./report.js";
import { schedule } from "./schedule.js";
import { Slot } from "./slots.js";
import { RunStats, type CacheStats } from "./stats.js";

export type { RunnerMode } from "./modes.js";

export interface RunnerOptions extends ModeOptions {
  /**
   * Where nodes run: "local" (this process, the default), "threads" (a worker-thread pool),
   * "distributed" (`daft worker` processes through Redis), "auto" (see the README, "Scaling out").
   */
  mode?: RunnerMode;
  cacheConfig?: CacheConfig | CacheConfigOptions;
  /**
   * A live per-node display on stderr for runs longer than a moment: "auto" (default: on a TTY,
   * not in CI), true (also plain lines where not a TTY), false, or options (stream, timing).
   */
  progress?: ProgressOption;
  /** How many asynchronous calls run at once, over all the nodes of a run (default 16). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 16;

export class Runner {
  readonly mode: RunnerMode;
  readonly cacheConfig: CacheConfig;
  readonly concurrency: number;
  readonly progress: ProgressOption;
  /** What the last run did (hits, misses, per-node and per-item events). */
  stats: CacheStats = new RunStats();
  private readonly warned = new Set<string>();
  private readonly executor: Executor;

  constructor(options: RunnerOptions = {}) {
    this.mode = checkedMode(options);
    this.cacheConfig = cacheConfigFor(this.mode, options);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new DefinitionError(`Runner: concurrency must be a whole number ≥ 1, got ${String(options.concurrency)}`);
    }
    checkProgressOption(options.progress);
    this.progress = options.progress ?? "auto";
    this.executor = executorFor(this.mode, options, this.cacheConfig, (message) => this.warnOnce(message));
  }

  /**
   * Releases what this runner holds: its thread pool, its job queues and Redis connections, and
   * the RedisCache it made itself (mode "distributed" without cacheConfig).
   */
  async close(): Promise<void> {
    await this.executor.close?.();
  }

  /** Runs the pipeline; resolves to the inputs plus every node's output. */
  async run<F extends readonly AnyDaftFunction[]>(pipeline: Pipeline<F>, ...args: RunArguments<F>): Promise<PipelineResult<F>> {
    const refused = runRefusedWhileImporting();
    if (refused) throw refused;
    const inputs = (args[0] ?? {}) as Record<string, unknown>;
    if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
      throw new ResolutionError(`runner.run(pipeline, inputs): inputs must be an object of named values, got ${Array.isArray(inputs) ? "an array" : String(inputs)}`);
    }
    const plan = pipeline.planFor(Object.keys(inputs));
    const run = this.contextFor(plan, inputs);
    const started = performance.now();
    run.observers.runStarted(plan.steps.map((step) => step.node));
    let failure: unknown;
    try {
      const pending = schedule(plan.steps, (step, position) => runNode(step, position, run));
      if (pending) await pending;
    } catch (error) {
      failure = error;
    }
    run.stats.durationMs = performance.now() - started;
    this.stats = run.stats;
    await this.flushBackend();
    run.observers.runFinished(run.stats, failure);
    reportRun(run.stats, this.cacheConfig);
    if (failure !== undefined) throw failure;
    const result: Record<string, unknown> = { ...inputs };
    for (const step of plan.steps) result[step.node.output] = run.slots.get(step.node.output)!.value;
    return result as PipelineResult<F>;
  }

  private contextFor(plan: RunPlan, inputs: Record<string, unknown>): RunContext {
    const slots = new Map<string, Slot>();
    for (const [name, value] of Object.entries(inputs)) {
      const slot = new Slot(value, "value");
      slot.retainItemHashes = (plan.itemHashReaders.get(name) ?? 0) > 1;
      slots.set(name, slot);
    }
    return {
      config: this.cacheConfig,
      slots,
      itemHashReaders: plan.itemHashReaders,
      stats: new RunStats(),
      observers: new Observers([debugLogObserver(this.cacheConfig, Object.keys(inputs)), this.progressObserver()]),
      executor: this.executor,
      limiter: new Limiter(this.concurrency),
      warn: (message) => this.warnOnce(message),
    };
  }

  private progressObserver(): NamedObserver | undefined {
    try {
      const observer = createProgressObserver(this.progress);
      return observer && { name: "progress display", observer };
    } catch (error) {
      this.warnOnce(`progress display unavailable: ${(error as Error)?.message ?? String(error)}`);
      return undefined;
    }
  }

  private async flushBackend(): Promise<void> {
    const backend = this.cacheConfig.backend;
    if (!this.cacheConfig.enabled || typeof backend.flush !== "function") return;
    try {
      await backend.flush();
    } catch (error) {
      this.warnOnce(`cache backend flush failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    process.emitWarning(`daft: ${message}`, "DaftWarning");
  }
}
