/**
 * `Runner`: executes a pipeline. Nodes run in dependency order; a mapped node's items overlap
 * up to `concurrency` when its function is async; cached nodes are looked up first.
 */
import { CacheConfig, type CacheConfigOptions } from "../cache/config.js";
import { DefinitionError, ResolutionError } from "../errors.js";
import type { Pipeline } from "../pipeline.js";
import type { AnyDaftFunction, PipelineResult, RunArguments } from "../pipeline-types.js";
import { checkProgressOption, createProgressObserver, type ProgressOption } from "../progress/index.js";
import { executeNode, type RunContext } from "./execute-node.js";
import { safely, type RunObserver } from "./observer.js";
import { formatCacheSummary } from "./report.js";
import { Slot } from "./slots.js";
import { RunStats, type CacheStats } from "./stats.js";
import { debugRunner } from "../debug/index.js";
import { logRunFinished } from "../debug/describe.js";

export type RunnerMode = "local" | "threads" | "distributed" | "auto";

export interface RunnerOptions {
  /** Where nodes run. "local" (in this process) is available; "auto" picks the best available. */
  mode?: RunnerMode;
  cacheConfig?: CacheConfig | CacheConfigOptions;
  /**
   * A live per-node display on stderr for runs longer than a moment: "auto" (default: on a TTY,
   * not in CI), true (also plain lines where not a TTY), false, or options (stream, timing).
   */
  progress?: ProgressOption;
  /** How many items of an async mapped node run at once (default 16). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 16;

export class Runner {
  readonly mode: "local";
  readonly cacheConfig: CacheConfig;
  readonly concurrency: number;
  readonly progress: ProgressOption;
  /** What the last run did (hits, misses, per-node and per-item events). */
  stats: CacheStats = new RunStats();
  private readonly warned = new Set<string>();

  constructor(options: RunnerOptions = {}) {
    this.mode = resolveMode(options.mode);
    this.cacheConfig = CacheConfig.from(options.cacheConfig);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new DefinitionError(`Runner: concurrency must be a whole number ≥ 1, got ${String(options.concurrency)}`);
    }
    checkProgressOption(options.progress);
    this.progress = options.progress ?? "auto";
  }

  /** Runs the pipeline; resolves to the inputs plus every node's output. */
  async run<F extends readonly AnyDaftFunction[]>(pipeline: Pipeline<F>, ...args: RunArguments<F>): Promise<PipelineResult<F>> {
    const inputs = (args[0] ?? {}) as Record<string, unknown>;
    if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
      throw new ResolutionError(`runner.run(pipeline, inputs): inputs must be an object of named values, got ${Array.isArray(inputs) ? "an array" : String(inputs)}`);
    }
    const plan = pipeline.planFor(Object.keys(inputs));
    const stats = new RunStats();
    const observer = this.observerFor(pipeline);
    const context: RunContext = {
      config: this.cacheConfig,
      slots: new Map(Object.entries(inputs).map(([name, value]) => [name, new Slot(value, "value")])),
      itemHashReaders: plan.itemHashReaders,
      stats,
      concurrency: this.concurrency,
      observer,
      warn: (message) => this.warnOnce(message),
    };
    for (const [name, slot] of context.slots) slot.retainItemHashes = (plan.itemHashReaders.get(name) ?? 0) > 1;
    const started = performance.now();
    if (debugRunner.enabled) debugRunner(`run: ${plan.steps.length} nodes, inputs ${Object.keys(inputs).join(", ") || "(none)"}, cache ${this.cacheConfig.enabled ? this.cacheConfig.backend.constructor.name : "off"}`);
    safely(observer, "runStarted", plan.steps.map((step) => step.node));
    let failure: unknown;
    try {
      for (const step of plan.steps) {
        const pending = executeNode(step, context);
        if (pending) await pending;
      }
    } catch (error) {
      failure = error;
      // Nodes run one after another, so the failing node is the last one started.
      const failing = stats.nodes[stats.nodes.length - 1];
      if (failing) failing.failed = true;
    }
    stats.durationMs = performance.now() - started;
    this.stats = stats;
    if (debugRunner.enabled) logRunFinished(stats, failure);
    await this.flushBackend();
    safely(observer, "runFinished", stats, failure);
    if (this.cacheConfig.enabled && this.cacheConfig.verbose && stats.nodes.length > 0) {
      process.stderr.write(`${formatCacheSummary(stats, this.cacheConfig.verbose === "explain")}\n`);
    }
    if (failure !== undefined) throw failure;
    const result: Record<string, unknown> = { ...inputs };
    for (const step of plan.steps) result[step.node.output] = context.slots.get(step.node.output)!.value;
    return result as PipelineResult<F>;
  }

  private observerFor(pipeline: Pipeline): RunObserver | undefined {
    try {
      return createProgressObserver(this.progress, pipeline);
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

function resolveMode(mode: RunnerMode | undefined): "local" {
  if (mode === undefined || mode === "local" || mode === "auto") return "local";
  if (mode === "threads" || mode === "distributed") {
    throw new DefinitionError(`Runner: mode "${mode}" is not available in this version; use mode "local" (or "auto")`);
  }
  throw new DefinitionError(`Runner: unknown mode "${String(mode)}"; use "local" or "auto"`);
}
