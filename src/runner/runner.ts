/**
 * `Runner`: executes a pipeline. A run reads top to bottom:
 *   plan      pipeline.planFor(inputs): where each input comes from, the order (plan.ts)
 *   schedule  which node runs when (schedule.ts)
 *   per node  each call looked up, run on the executor if it missed, stored (node-run.ts)
 *   report    runner.stats, the observers (progress, debug log, onEvent), the [CACHE] summary (report.ts)
 * The executor is where functions run: this process for mode "local" (local-executor.ts), a
 * thread pool, or `daft worker` processes (modes.ts).
 * Run options (run-options.ts) choose the outputs, pin outputs, refresh nodes; a dry run looks
 * every call up and runs nothing (dry-run.ts), then prints what would run (dry-run-report.ts).
 */
import { CacheConfig, type CacheConfigOptions } from "../cache/config.js";
import { runRefusedWhileImporting } from "../definition-site.js";
import { DefinitionError, ResolutionError } from "../errors.js";
import type { Pipeline } from "../pipeline.js";
import type { AnyDaftFunction, OutputNames, RunArguments, RunResult } from "../pipeline-types.js";
import type { RunPlan } from "../plan.js";
import { checkProgressOption, createProgressObserver, type ProgressOption } from "../progress/index.js";
import type { RunContext } from "./context.js";
import { debugLogObserver } from "./debug-log.js";
import { endScriptAfterDryRun, reportDryRun } from "./dry-run-report.js";
import { eventObserver } from "./event-observer.js";
import type { Executor } from "./executor.js";
import { cacheConfigFor, checkedMode, executorFor, type ModeOptions, type RunnerMode } from "./modes.js";
import { runNode } from "./node-run.js";
import { Observers, type NamedObserver } from "./observer.js";
import { Limiter } from "./pool.js";
import { reportRun } from "./report.js";
import { schedule } from "./schedule.js";
import { dryRunFromEnvironment } from "./dry-run-environment.js";
import { checkRunOptions, pinnedSlot, refreshedNodes, selectionOf, type RunOptions } from "./run-options.js";
import { Slot } from "./slots.js";
import { RunStats, type CacheStats, type RunEvent } from "./stats.js";

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
  /**
   * Called with each call's event as it happens: a hit, a miss once its result is stored (or
   * not), an uncached call, a failure. One that throws is reported once and never fails a run.
   */
  onEvent?: (event: RunEvent) => void;
}

/** What `runner.run` resolves to: the result, or for a dry run its stats. */
export type RunReturn<F extends readonly unknown[], O extends string, P extends string, D extends boolean> = D extends true
  ? CacheStats
  : D extends false
    ? RunResult<F, O, P>
    : CacheStats | RunResult<F, O, P>;

const DEFAULT_CONCURRENCY = 16;

export class Runner {
  readonly mode: RunnerMode;
  readonly cacheConfig: CacheConfig;
  readonly concurrency: number;
  readonly progress: ProgressOption;
  /** What the last run did (hits, misses, per-node and per-item events). */
  stats: CacheStats = new RunStats();
  private readonly warned = new Set<string>();
  private readonly eventObserver: NamedObserver | undefined;
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
    if (options.onEvent !== undefined && typeof options.onEvent !== "function") {
      throw new DefinitionError(`Runner: onEvent must be a function called with each event, got ${typeof options.onEvent}`);
    }
    this.eventObserver = options.onEvent && eventObserver(options.onEvent, (message) => this.warnOnce(message));
    this.executor = executorFor(this.mode, options, this.cacheConfig, (message) => this.warnOnce(message));
  }

  /**
   * Releases what this runner holds: its thread pool, its job queues and Redis connections, and
   * the RedisCache it made itself (mode "distributed" without cacheConfig).
   */
  async close(): Promise<void> {
    await this.executor.close?.();
  }

  /**
   * Runs the pipeline; resolves to the inputs plus the output of every node that ran (every
   * node, unless `options.outputs` asks for less). A dry run resolves to its stats.
   */
  async run<
    F extends readonly AnyDaftFunction[],
    const O extends OutputNames<F> = OutputNames<F>,
    const P extends OutputNames<F> = never,
    const D extends boolean = false,
  >(pipeline: Pipeline<F>, ...args: RunArguments<F, O, P, RunOptions<O, P, D>>): Promise<RunReturn<F, O, P, D>> {
    const refused = runRefusedWhileImporting();
    if (refused) throw refused;
    const inputs = (args[0] ?? {}) as Record<string, unknown>;
    if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
      throw new ResolutionError(`runner.run(pipeline, inputs): inputs must be an object of named values, got ${Array.isArray(inputs) ? "an array" : String(inputs)}`);
    }
    const options = checkRunOptions(args[1]);
    const dryRun = options.dryRun === true || dryRunFromEnvironment();
    const plan = pipeline.planFor(Object.keys(inputs), selectionOf(options));
    // A cached node without build info gets it from its call site on first use: for all of them
    // now, before anything runs, so that work never lands between two nodes' calls.
    if (this.cacheConfig.enabled) for (const step of plan.steps) if (step.node.meta.cache) void step.node.meta.codeHash;
    const run = this.contextFor(pipeline, plan, inputs, options, dryRun);
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
    if (dryRun) run.stats.dryRun = true;
    this.stats = run.stats;
    if (!dryRun) await this.flushBackend();
    run.observers.runFinished(run.stats, failure);
    // A dry run asked for in code prints as verbosely as the [CACHE] summary; one forced by the
    // environment (`daft run --dry`) always prints: the report is all it is for.
    const forcedDry = dryRun && options.dryRun !== true;
    if (dryRun) {
      if (forcedDry || this.cacheConfig.verbose) reportDryRun(run.stats);
    } else reportRun(run.stats, this.cacheConfig);
    if (failure !== undefined) throw failure;
    if (options.dryRun === true) return run.stats as CacheStats as RunReturn<F, O, P, D>;
    // The script expects results: it goes on only when the cache holds them all.
    if (forcedDry && run.stats.misses + run.stats.noCache > 0) endScriptAfterDryRun();
    const result: Record<string, unknown> = { ...inputs };
    for (const step of plan.steps) result[step.node.output] = run.slots.get(step.node.output)!.value;
    return result as RunReturn<F, O, P, D>;
  }

  private contextFor(pipeline: Pipeline, plan: RunPlan, inputs: Record<string, unknown>, options: RunOptions, dryRun: boolean): RunContext {
    const slots = new Map<string, Slot>();
    const pinned = new Set(options.pin);
    for (const [name, value] of Object.entries(inputs)) {
      const slot = pinned.has(name) ? pinnedSlot(name, value, pipeline.producers.get(name)!, inputs) : new Slot(value, "value");
      slot.retainItemHashes = (plan.itemHashReaders.get(name) ?? 0) > 1;
      slots.set(name, slot);
    }
    return {
      config: this.cacheConfig,
      slots,
      itemHashReaders: plan.itemHashReaders,
      stats: new RunStats(),
      observers: new Observers([debugLogObserver(this.cacheConfig, Object.keys(inputs)), this.progressObserver(), this.eventObserver]),
      executor: this.executor,
      limiter: new Limiter(this.concurrency),
      warn: (message) => this.warnOnce(message),
      refresh: refreshedNodes(pipeline, plan, options.refresh),
      dryRun,
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
