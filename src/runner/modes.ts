/**
 * From the Runner's options to where functions run (its executor): `local` in this process,
 * `threads` on a worker-thread pool, `distributed` on `daft worker` processes through BullMQ,
 * `auto` picking per node. The heavy parts (tinypool, bullmq, ioredis) load on first use.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { CacheConfig, type CacheConfigOptions } from "../cache/config.js";
import type { CacheBackend } from "../cache/types.js";
import { DefinitionError } from "../errors.js";
import { AutoExecutor } from "./auto-executor.js";
import type { Executor } from "./executor.js";
import { DistributedExecutor, type DistributedOptions } from "./distributed/distributed-executor.js";
import { localExecutor } from "./local-executor.js";
import { distFileUrl, loadAtRunTime } from "./remote/package-files.js";
import { ThreadsExecutor } from "./threads/threads-executor.js";

export type RunnerMode = "local" | "threads" | "distributed" | "auto";

export interface ModeOptions {
  mode?: RunnerMode;
  /** Threads of the pool in mode "threads" (and "auto"). Default: `availableParallelism()`. */
  workers?: number;
  /** Mode "distributed": the Redis server of the job queue and the shared cache, `redis://…`. */
  redis?: string;
  /** Mode "distributed": the queue name workers serve (`daft worker --queue`). Default "daft". */
  queue?: string;
  /** Mode "distributed": how long a job may wait for a worker that can run it. Default 5 minutes. */
  jobTimeoutMs?: number;
  /** Mode "auto": the fewest calls of a synchronous mapped node worth sending to threads. Default 2. */
  batchThreshold?: number;
}

const MODES: readonly RunnerMode[] = ["local", "threads", "distributed", "auto"];
export const DEFAULT_QUEUE = "daft";
export const DEFAULT_JOB_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_BATCH_THRESHOLD = 2;

function wholeNumber(name: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= min)) {
    throw new DefinitionError(`Runner: ${name} must be a whole number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** The mode as given, checked (the default is "local"). */
export function checkedMode(options: ModeOptions): RunnerMode {
  const mode = options.mode ?? "local";
  if (!MODES.includes(mode)) throw new DefinitionError(`Runner: unknown mode "${String(mode)}"; use ${MODES.map((name) => `"${name}"`).join(", ")}`);
  wholeNumber("workers", options.workers, 1);
  wholeNumber("jobTimeoutMs", options.jobTimeoutMs, 1);
  wholeNumber("batchThreshold", options.batchThreshold, 1);
  if (options.redis !== undefined && (typeof options.redis !== "string" || options.redis === "")) {
    throw new DefinitionError(`Runner: redis must be a Redis URL such as "redis://127.0.0.1:6379", got ${String(options.redis)}`);
  }
  if (options.queue !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(options.queue)) {
    throw new DefinitionError(`Runner: queue must be 1 to 100 letters, digits, "_", "." or "-", got ${JSON.stringify(options.queue)}`);
  }
  if (mode === "distributed" && options.redis === undefined) {
    throw new DefinitionError('Runner: mode "distributed" needs redis, the URL of the Redis server its workers use: new Runner({ mode: "distributed", redis: "redis://127.0.0.1:6379" })');
  }
  return mode;
}

/** Whether runs go to `daft worker` processes (mode "distributed", or "auto" with redis). */
export function isDistributed(mode: RunnerMode, options: ModeOptions): boolean {
  return mode === "distributed" || (mode === "auto" && options.redis !== undefined);
}

export function executorFor(mode: RunnerMode, options: ModeOptions & { cacheConfig?: unknown }, cacheConfig: CacheConfig, warn: (message: string) => void): Executor {
  const workers = options.workers ?? availableParallelism();
  if (isDistributed(mode, options)) {
    const distributed: DistributedOptions = {
      redis: options.redis!,
      queue: options.queue ?? DEFAULT_QUEUE,
      jobTimeoutMs: options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
      // The RedisCache cacheConfigFor made is the runner's own: close() closes it.
      ownsCache: options.cacheConfig === undefined,
    };
    return new DistributedExecutor(distributed, cacheConfig);
  }
  if (mode === "threads") return new ThreadsExecutor(workers);
  if (mode === "auto") return new AutoExecutor(new ThreadsExecutor(workers), options.batchThreshold ?? DEFAULT_BATCH_THRESHOLD, warn);
  return localExecutor;
}

/**
 * The cache of a run: as given; for a distributed runner given none, a RedisCache on its Redis
 * server (where workers store results). Loaded synchronously (`daft/redis` loads with require).
 */
export function cacheConfigFor(mode: RunnerMode, options: ModeOptions & { cacheConfig?: CacheConfig | CacheConfigOptions }): CacheConfig {
  if (options.cacheConfig !== undefined || !isDistributed(mode, options)) return CacheConfig.from(options.cacheConfig);
  const redisEntry = fileURLToPath(distFileUrl("redis/index.js"));
  const { RedisCache } = loadAtRunTime<{ RedisCache: new (options: { url: string }) => CacheBackend }>(redisEntry);
  return new CacheConfig({ enabled: true, verbose: false, backend: new RedisCache({ url: options.redis! }) });
}
