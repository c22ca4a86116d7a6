/**
 * A `daft worker` process: imports the modules it was started with (under daft's loader, with
 * pipeline runs refused meanwhile), and serves every cached node they define, each on the queue
 * of its own build (protocol.ts), so it only ever receives jobs of nodes whose code and imports
 * are exactly its own. A job's calls run here; results go to the RedisCache (prefix from the
 * job) under the calls' blob keys; the job returns their output hashes. The worker says it is
 * alive every two seconds in a registry the runner reads.
 *
 * BullMQ's lock on a job is renewed by timers, so between two calls of a chunk (at most every
 * 20 ms) the worker lets its event loop turn; `lockDurationMs` bounds how long a killed worker's job waits before the
 * stalled-job check gives it to another worker.
 */
import { hostname } from "node:os";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import type { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { recordedNodes, recordNodes, whileImporting } from "../../definition-site.js";
import type { PipelineNode } from "../../graph.js";
import type { RedisCache } from "../../redis/index.js";
import type { Invocation, Outcome } from "../executor.js";
import { isPromiseLike } from "../../maybe-promise.js";
import { invoke } from "../invoke.js";
import { asPipelineNode, checkBuild } from "../remote/load-node.js";
import { buildOf, projectFileOf } from "../remote/node-ref.js";
import { decodeCalls, sendError } from "../remote/transport.js";
import { hashOutput } from "../store.js";
import {
  BULL_PREFIX,
  checkJobData,
  connectionOptionsOf,
  HEARTBEAT_MS,
  HEARTBEAT_SCRIPT,
  PROTOCOL_VERSION,
  queueNameOf,
  registryKeys,
  type JobResult,
  type WorkerDescription,
} from "./protocol.js";

export interface WorkerOptions {
  /** Module paths (relative to `cwd`) whose nodes this worker serves. */
  modules: string[];
  redis: string;
  queue: string;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** BullMQ lock duration: a killed worker's job is handed on within about this long. */
  lockDurationMs: number;
  name?: string;
  cwd?: string;
  /** Imports a module the way `daft run` would (the loader, tsx); the CLI passes its own. */
  importModule(path: string): Promise<unknown>;
}

export interface RunningWorker {
  description: WorkerDescription;
  close(): Promise<void>;
}

interface ServedNode {
  node: PipelineNode;
  file: string;
  ordinal: number;
  queueName: string;
}

/** A counting semaphore: `concurrency` jobs at once over all the node queues of this process. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(count: number) {
    this.free = count;
  }
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const YIELD_EVERY_MS = 20;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const cwd = options.cwd ?? process.cwd();
  const name = options.name ?? `${hostname()}:${process.pid}`;
  recordNodes();
  for (const path of options.modules) {
    const url = pathToFileURL(resolve(cwd, path)).href;
    await whileImporting(url, () => options.importModule(path));
  }
  const served = servedNodes(options.queue);
  if (served.length === 0) {
    throw new Error(`${options.modules.join(", ")} define${options.modules.length === 1 ? "s" : ""} no cached node (func({ output, cache: true }, fn)): a worker runs cached nodes only`);
  }

  const [{ Redis }, { Worker: BullWorker, UnrecoverableError }, { RedisCache: RedisCacheClass }] = await Promise.all([
    import("ioredis"),
    import("bullmq"),
    import("../../redis/index.js"),
  ]);
  const client: Redis = new Redis(options.redis, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 2 });
  client.on("error", () => undefined); // reconnects by itself; failures show in the operations
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${options.redis} (${(error as Error).message}); start a server (redis-server --port 6379 --save '') or pass --redis with the url of a running one`);
  }

  const caches = new Map<string, RedisCache>();
  const cacheFor = (prefix: string) => {
    let cache = caches.get(prefix);
    if (!cache) caches.set(prefix, (cache = new RedisCacheClass({ url: options.redis, prefix })));
    return cache;
  };
  const slots = new Slots(options.concurrency);

  const runJob = async (served: ServedNode, job: Job): Promise<JobResult> => {
    const data = checkJobData(job.data);
    const { node } = served;
    // The queue is this node's own, so anything else is a foreign or damaged job: never run it.
    if (data.node.file !== served.file || data.node.output !== node.output || data.node.ordinal !== served.ordinal) {
      throw new UnrecoverableError(`job ${job.id} names node ${data.node.file}#${data.node.output} (#${data.node.ordinal + 1}), not this queue's ${served.file}#${node.output}`);
    }
    try {
      checkBuild(node, data.build, `daft worker ${name}`);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
    const calls = decodeCalls(Buffer.from(data.calls, "base64"));
    if (calls.length !== data.blobKeys.length) throw new UnrecoverableError(`job ${job.id}: ${calls.length} calls for ${data.blobKeys.length} keys`);
    await slots.take();
    let outcomes: Outcome[];
    try {
      outcomes = await runCalls(node, calls);
    } catch (error) {
      return { v: PROTOCOL_VERSION, worker: name, error: sendError(error) };
    } finally {
      slots.give();
    }
    const results: { outputHash: string; durationMs: number }[] = [];
    const writes = [];
    for (let index = 0; index < calls.length; index++) {
      const call = calls[index]!;
      const { value, durationMs } = outcomes[index]!;
      const { hash, error } = hashOutput(value);
      if (hash === undefined) return notReturnable(node, call, `its result cannot be hashed: ${error}`, name);
      results.push({ outputHash: hash, durationMs });
      writes.push({ key: data.blobKeys[index]!, entry: { value, outputHash: hash, createdAt: Date.now(), durationMs, nodeName: call.key } });
    }
    const failed = await cacheFor(data.prefix).setMany(writes);
    const firstFailure = failed ? failed.findIndex((error) => error !== undefined) : -1;
    if (failed && firstFailure >= 0) return notReturnable(node, calls[firstFailure]!, failed[firstFailure]!.message, name);
    return { v: PROTOCOL_VERSION, worker: name, results };
  };

  const connection = connectionOptionsOf(options.redis);
  const workers: Worker[] = served.map(
    (entry) =>
      new BullWorker(entry.queueName, (job: Job) => runJob(entry, job), {
        connection,
        prefix: BULL_PREFIX,
        concurrency: options.concurrency,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.lockDurationMs,
        maxStalledCount: 2,
        name,
      }),
  );
  for (const worker of workers) worker.on("error", (error) => process.stderr.write(`daft worker ${name}: ${error.message}\n`));
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  const description: WorkerDescription = {
    name,
    concurrency: options.concurrency,
    nodes: served.map(({ node, file, ordinal }) => ({ file, output: node.output, ordinal, name: node.name, ...buildOf(node.meta) })),
  };
  const [seenKey, describedKey] = registryKeys(options.queue);
  const beat = () => client.eval(HEARTBEAT_SCRIPT, 2, seenKey, describedKey, name, JSON.stringify(description));
  await beat();
  const heartbeat = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);

  let closing: Promise<void> | undefined;
  return {
    description,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        await Promise.all(workers.map((worker) => worker.close()));
        await client.zrem(seenKey, name).catch(() => undefined);
        await client.hdel(describedKey, name).catch(() => undefined);
        await Promise.all([...caches.values()].map((cache) => cache.close().catch(() => undefined)));
        await client.quit().catch(() => client.disconnect());
      })()),
  };
}

/** Every cached node the imported modules defined, with its queue. */
function servedNodes(queue: string): ServedNode[] {
  const served: ServedNode[] = [];
  for (const [module, nodes] of recordedNodes()) {
    if (!module.startsWith("file:")) continue;
    const file = projectFileOf(module);
    const ordinals = new Map<string, number>();
    for (const recorded of nodes) {
      const ordinal = ordinals.get(recorded.meta.output) ?? 0;
      ordinals.set(recorded.meta.output, ordinal + 1);
      if (!recorded.meta.cache) continue;
      const node = asPipelineNode(recorded);
      served.push({ node, file, ordinal, queueName: queueNameOf(queue, { file, output: node.output, ordinal }, buildOf(node.meta)) });
    }
  }
  return served;
}

/**
 * The calls of a chunk: synchronous ones one after another, letting the event loop turn between
 * them (BullMQ renews the job's lock on a timer); asynchronous ones overlap, as in the runner.
 */
async function runCalls(node: PipelineNode, calls: readonly Invocation[]): Promise<Outcome[]> {
  const pending: (Outcome | Promise<Outcome>)[] = [];
  let turned = performance.now();
  for (const call of calls) {
    const outcome = invoke(node, call);
    pending.push(outcome as Outcome | Promise<Outcome>);
    // Often enough for the lock timers (lockDuration ≥ 500 ms), rarely enough to cost nothing.
    if (!isPromiseLike(outcome) && performance.now() - turned > YIELD_EVERY_MS) {
      await turn();
      turned = performance.now();
    }
  }
  return Promise.all(pending);
}

function notReturnable(node: PipelineNode, call: Invocation, reason: string, worker: string): JobResult {
  const where = call.item === undefined ? "" : ` on item ${call.item} (${call.key})`;
  const error = new Error(
    `node "${node.name}" (output "${node.output}")${where}: its result cannot be stored in Redis, so it cannot come back from a daft worker: ${reason}. ` +
      'Return plain data, or run this node with mode "local" or "threads".',
  );
  return { v: PROTOCOL_VERSION, worker, error: sendError(error) };
}
