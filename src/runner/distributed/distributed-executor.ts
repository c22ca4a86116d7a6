/**
 * The `distributed` executor: a node's calls that must run become BullMQ jobs, one per chunk,
 * run by `daft worker` processes on any machine that reaches the Redis server. A job carries
 * the node's reference, its build and the chunk's inputs, never results: the worker stores each
 * result in the shared RedisCache under the call's blob key and returns the output hashes; the
 * runner reads the values back with one `getMany` and goes on as if it had computed them.
 *
 * Routing (protocol.ts): the queue of a job is named after the node and its build, so only
 * workers with the same code take it. Before submitting, the runner checks that some worker is
 * connected at all (else it fails at once, saying how to start one); a job that no compatible
 * worker takes within `jobTimeoutMs` fails the run with both sides' hashes. Killed workers'
 * jobs come back through BullMQ's stalled-job check and run elsewhere. Job ids are derived from
 * the calls' blob keys, so the same work submitted twice runs once.
 *
 * Calls of nodes that are not cached have no shared place for their result: they run here.
 * bullmq and ioredis are loaded on first use; connections close after a second without jobs
 * (and at `close()`), so a script that forgets `close()` still exits.
 */
import type { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { CacheConfig } from "../../cache/config.js";
import { isCacheEntry } from "../../cache/stored-shapes.js";
import type { CacheBackend, CacheEntry } from "../../cache/types.js";
import { DaftError, DefinitionError } from "../../errors.js";
import type { PipelineNode } from "../../graph.js";
import type { Executor, Invocation, Outcome } from "../executor.js";
import { localExecutor } from "../local-executor.js";
import { buildOf, nodeRefOf, type NodeBuild, type NodeRef } from "../remote/node-ref.js";
import { loadAtRunTime } from "../remote/package-files.js";
import { encodeCalls, receivedError } from "../remote/transport.js";
import {
  BULL_PREFIX,
  checkJobResult,
  checkWorkerDescription,
  connectionOptionsOf,
  jobIdOf,
  LIVE_WORKERS_SCRIPT,
  PROTOCOL_VERSION,
  queueNameOf,
  registryKeys,
  WORKER_GONE_MS,
  type JobData,
  type WorkerDescription,
} from "./protocol.js";

export interface DistributedOptions {
  redis: string;
  queue: string;
  jobTimeoutMs: number;
  /** The cache was made for this runner (no cacheConfig given): `close()` closes it too. */
  ownsCache?: boolean;
}

/** Jobs per node: enough for a few per worker slot, few enough that each carries real work. */
const JOBS_PER_NODE = 32;
const MAX_CHUNK = 1000;
const CONNECT_TIMEOUT_MS = 3000;
const IDLE_CLOSE_MS = 1000;

/** What a RedisCache offers the runner here (checked by shape: it may come from another copy of daft). */
interface SharedCache extends CacheBackend {
  readonly prefix: string;
  readonly server: string;
  getMany(keys: readonly string[]): Promise<(CacheEntry | undefined)[]>;
  close?(): Promise<void>;
}

function isSharedCache(backend: CacheBackend): backend is SharedCache {
  const candidate = backend as Partial<SharedCache>;
  return backend.constructor?.name === "RedisCache" && typeof candidate.prefix === "string" && typeof candidate.getMany === "function" && typeof candidate.server === "string";
}

const serverOf = (url: string) => {
  const { host, port, db } = connectionOptionsOf(url);
  return `${host}:${port}/${db ?? 0}`;
};

const masked = (url: string) => url.replace(/\/\/([^@/]*)@/, "//***@");

/** The Redis connections of a stretch of activity: a command client, and a Queue + QueueEvents per node build. */
interface Session {
  client: Redis;
  queues: Map<string, Promise<{ queue: Queue; events: QueueEvents }>>;
  bullmq: typeof import("bullmq");
}

export class DistributedExecutor implements Executor {
  private readonly cache: SharedCache;
  private session: Promise<Session> | undefined;
  private inFlight = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly refs = new WeakMap<PipelineNode, NodeRef>();

  constructor(
    readonly options: DistributedOptions,
    cacheConfig: CacheConfig,
  ) {
    try {
      connectionOptionsOf(options.redis);
    } catch {
      throw new DefinitionError(`Runner: redis must be a redis:// or rediss:// URL, got ${JSON.stringify(options.redis)}`);
    }
    const backend = cacheConfig.backend;
    if (!cacheConfig.enabled || !isSharedCache(backend)) {
      throw new DefinitionError(
        'Runner: mode "distributed" needs the cache enabled on a RedisCache of the same Redis server, where workers store results ' +
          `(got ${cacheConfig.enabled ? `a ${backend.constructor?.name ?? "custom"} backend` : "the cache disabled"}). ` +
          'Leave cacheConfig out to get one, or pass new CacheConfig({ enabled: true, backend: new RedisCache({ url }) }) from "daft/redis".',
      );
    }
    if (serverOf(backend.server.replace("***", "x")) !== serverOf(options.redis)) {
      throw new DefinitionError(`Runner: the RedisCache (${backend.server}) and redis (${masked(options.redis)}) must be the same server: workers store results where the runner reads them`);
    }
    this.cache = backend;
  }

  chunkSize(_node: PipelineNode, calls: number): number {
    return Math.min(MAX_CHUNK, Math.max(1, Math.ceil(calls / JOBS_PER_NODE)));
  }

  execute(node: PipelineNode, calls: readonly Invocation[]): Promise<Outcome[]> | Outcome[] {
    if (calls.some((call) => call.blobKey === undefined)) return localExecutor.execute(node, calls);
    this.inFlight++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return this.runJob(node, calls).finally(() => {
      if (--this.inFlight === 0) this.idleTimer = setTimeout(() => void this.closeSession(), IDLE_CLOSE_MS).unref();
    });
  }

  async close(): Promise<void> {
    await this.closeSession();
    if (this.options.ownsCache) await this.cache.close?.();
  }

  private async closeSession(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    const opened = await session.catch(() => undefined);
    if (!opened) return;
    const queues = await Promise.all([...opened.queues.values()].map((entry) => entry.catch(() => undefined)));
    await Promise.all(queues.flatMap((entry) => (entry ? [entry.events.close(), entry.queue.close()] : [])));
    opened.client.disconnect();
  }

  private async runJob(node: PipelineNode, calls: readonly Invocation[]): Promise<Outcome[]> {
    const ref = this.refOf(node);
    const build = buildOf(node.meta);
    const blobKeys = calls.map((call) => call.blobKey!);
    const data: JobData = {
      v: PROTOCOL_VERSION,
      node: { file: ref.file, output: ref.output, ordinal: ref.ordinal, name: ref.name },
      build,
      prefix: this.cache.prefix,
      blobKeys,
      calls: Buffer.from(encodeCalls(node, calls, "a daft worker")).toString("base64"),
    };
    const session = await this.openSession();
    const workers = await this.liveWorkers(session);
    if (workers.length === 0) {
      throw new DaftError(
        `node "${node.name}" (output "${node.output}"): no daft worker is connected to queue "${this.options.queue}" on ${masked(this.options.redis)}. ` +
          `Start one where the project is: daft worker ${ref.file} --redis ${masked(this.options.redis)} --queue ${this.options.queue} (any number, on any machine that reaches Redis)`,
      );
    }
    const queueName = queueNameOf(this.options.queue, ref, build);
    const { queue, events } = await this.queueOf(session, queueName);
    const jobId = jobIdOf(queueName, data.prefix, blobKeys);
    for (let attempt = 1; ; attempt++) {
      const outcomes = await this.submit(node, ref, build, calls, data, queue, events, jobId);
      if (outcomes !== "results gone") return outcomes;
      // The job had run before (its id is the work's) and its results left the cache since
      // (cleared, evicted): run it again, once.
      if (attempt === 2) {
        throw new DaftError(
          `node "${node.name}" (output "${node.output}"): daft workers stored its results, but ${this.cache.server} does not hold them (any more) ` +
            `under prefix "${data.prefix}": is Redis evicting keys (maxmemory)?`,
        );
      }
      await (await queue.getJob(jobId))?.remove().catch(() => undefined);
    }
  }

  /** Adds the job (or joins the one of the same work) and reads its results back. */
  private async submit(
    node: PipelineNode,
    ref: NodeRef,
    build: NodeBuild,
    calls: readonly Invocation[],
    data: JobData,
    queue: Queue,
    events: QueueEvents,
    jobId: string,
  ): Promise<Outcome[] | "results gone"> {
    const { blobKeys } = data;
    const job = await queue.add(node.output, data, {
      jobId,
      // A worker that throws (it could not load the node) is retried once; the node's own
      // errors come back as results and fail the run without a retry.
      attempts: 2,
      backoff: { type: "fixed", delay: 500 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    });
    const reply = await this.finished(node, ref, build, job, events);
    let result;
    try {
      result = checkJobResult(typeof reply === "string" ? JSON.parse(reply) : reply, calls.length);
    } catch (error) {
      throw new DaftError(`node "${node.name}" (output "${node.output}"): a daft worker returned ${(error as Error).message}`);
    }
    if ("error" in result) throw receivedError(result.error, node, `daft worker ${result.worker}`);
    const entries = await this.cache.getMany(blobKeys);
    const gone = result.results.some((stored, index) => {
      const entry = entries[index];
      return !isCacheEntry(entry) || entry.outputHash !== stored.outputHash;
    });
    if (gone) return "results gone";
    return result.results.map((stored, index) => ({
      value: (entries[index] as CacheEntry).value,
      durationMs: stored.durationMs,
      worker: result.worker,
      storedAs: { outputHash: stored.outputHash },
    }));
  }

  /** The job's return value; fails when no compatible worker took it within jobTimeoutMs. */
  private finished(node: PipelineNode, ref: NodeRef, build: NodeBuild, job: import("bullmq").Job, events: QueueEvents): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const settle = (action: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        action();
      };
      const watch = () => {
        timer = setTimeout(async () => {
          try {
            const state = await job.getState();
            if (state === "active" || state === "completed" || state === "failed") return watch();
            await job.remove().catch(() => undefined);
            const error = await this.notTakenError(node, ref, build);
            settle(() => reject(error));
          } catch (error) {
            settle(() => reject(error));
          }
        }, this.options.jobTimeoutMs);
      };
      watch();
      job.waitUntilFinished(events).then(
        (value) => settle(() => resolve(value)),
        (error: unknown) =>
          settle(() =>
            reject(new DaftError(`node "${node.name}" (output "${node.output}") failed on daft workers: ${(error as Error)?.message ?? String(error)}`, { cause: error })),
          ),
      );
    });
  }

  private async notTakenError(node: PipelineNode, ref: NodeRef, build: NodeBuild): Promise<DaftError> {
    const session = await this.openSession();
    const workers = await this.liveWorkers(session);
    const seen = workers.flatMap((worker) =>
      worker.nodes.filter((other) => other.file === ref.file && other.output === ref.output && other.ordinal === ref.ordinal).map((other) => ({ worker: worker.name, ...other })),
    );
    const seconds = `${(this.options.jobTimeoutMs / 1000).toFixed(1)} s`;
    const runnerSide = `the runner has codeHash ${build.codeHash} depsHash ${build.depsHash || "(none)"}`;
    const workerSide =
      seen.length > 0
        ? `workers have it with ${seen.map((other) => `codeHash ${other.codeHash} depsHash ${other.depsHash || "(none)"} (${other.worker})`).join(", ")}: their code differs; restart them from the same code and with the same --import flags`
        : workers.length > 0
          ? `no connected worker has this node (${workers.map((worker) => worker.name).join(", ")}): start one with the module that defines it (daft worker ${ref.file} …)`
          : "no worker is connected any more";
    return new DaftError(`node "${node.name}" (output "${node.output}"): no compatible daft worker took its job within ${seconds} (jobTimeoutMs): ${runnerSide}; ${workerSide}`);
  }

  private refOf(node: PipelineNode): NodeRef {
    let ref = this.refs.get(node);
    if (!ref) this.refs.set(node, (ref = nodeRefOf(node)));
    return ref;
  }

  private async liveWorkers(session: Session): Promise<WorkerDescription[]> {
    const [seen, described] = registryKeys(this.options.queue);
    const texts = (await session.client.eval(LIVE_WORKERS_SCRIPT, 2, seen, described, String(WORKER_GONE_MS))) as unknown[];
    return texts.map(checkWorkerDescription).filter((worker): worker is WorkerDescription => worker !== undefined);
  }

  private openSession(): Promise<Session> {
    this.session ??= (async () => {
      const { Redis } = loadAtRunTime<typeof import("ioredis")>("ioredis");
      const bullmq = loadAtRunTime<typeof import("bullmq")>("bullmq");
      const client = new Redis(this.options.redis, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 1 });
      let socketError: Error | undefined;
      client.on("error", (error: Error) => (socketError = error));
      try {
        await client.connect();
      } catch (error) {
        client.disconnect();
        throw new DaftError(
          `mode "distributed": cannot connect to Redis at ${masked(this.options.redis)} (${(socketError ?? (error as Error))?.message}). ` +
            "Start a server (redis-server --port 6379 --save '') or give the Runner the url of a running one (redis: \"redis://host:port\").",
          { cause: socketError ?? error },
        );
      }
      return { client, queues: new Map(), bullmq };
    })();
    const opening = this.session;
    opening.catch(() => {
      if (this.session === opening) this.session = undefined;
    });
    return opening;
  }

  private queueOf(session: Session, name: string): Promise<{ queue: Queue; events: QueueEvents }> {
    let entry = session.queues.get(name);
    if (!entry) {
      const connection = connectionOptionsOf(this.options.redis);
      const queue = new session.bullmq.Queue(name, { connection, prefix: BULL_PREFIX });
      const events = new session.bullmq.QueueEvents(name, { connection, prefix: BULL_PREFIX });
      // Errors surface through the operations that fail; the listeners keep them off the console.
      queue.on("error", () => undefined);
      events.on("error", () => undefined);
      // Every job in flight listens for the queue's closing and its own events.
      queue.setMaxListeners(0);
      events.setMaxListeners(0);
      entry = Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).then(() => ({ queue, events }));
      session.queues.set(name, entry);
    }
    return entry;
  }
}
