/**
 * What the runner and `daft worker` processes agree on: queue names, job ids, the job's data
 * and its return value, and the worker registry. Everything read from Redis is checked here
 * before use: a job's data or a worker's reply is untrusted input, and nothing in it is ever
 * evaluated (a worker only imports the modules it was started with).
 *
 * Routing: every cached node a worker has gets one BullMQ queue, named after the queue option
 * and a hash of the node's identity (defining file, output, ordinal) and build (code hash,
 * dependency hash). The runner puts a chunk's job on the queue of the node *as it has it*, so
 * only workers built from the same code listen there; a worker with other code listens on
 * another queue and never sees the job.
 */
import { hashString } from "../../hashing/xxhash.js";
import { routingIdOf, type NodeBuild, type NodeRef } from "../remote/node-ref.js";
import { asSentError, type SentError } from "../remote/transport.js";

export const PROTOCOL_VERSION = 1;
/** The BullMQ key prefix of daft's queues. */
export const BULL_PREFIX = "daft-jobs";
/** How often a worker says it is alive, and after how long without that it counts as gone. */
export const HEARTBEAT_MS = 2000;
export const WORKER_GONE_MS = 10_000;

export function queueNameOf(queue: string, ref: Pick<NodeRef, "file" | "output" | "ordinal">, build: NodeBuild): string {
  return `${queue}-${routingIdOf(ref, build)}`;
}

/**
 * The same work gets the same id: a duplicate submission joins the job instead of running again.
 * The cache prefix is part of the work: the same calls for another cache must be stored there.
 */
export function jobIdOf(queueName: string, prefix: string, blobKeys: readonly string[]): string {
  // Prefixed: BullMQ refuses a custom id that reads as an integer, which a hex hash of only
  // decimal digits does (about one job in two thousand).
  return `j${hashString(`job\u0000${queueName}\u0000${prefix}\u0000${blobKeys.join("\u0000")}`)}`;
}

/** Redis keys of the worker registry (a sorted set of ids by last heartbeat, a hash of descriptions). */
export function registryKeys(queue: string): [seen: string, described: string] {
  return [`${BULL_PREFIX}:${queue}:workers:seen`, `${BULL_PREFIX}:${queue}:workers:described`];
}

export interface JobData {
  v: number;
  node: { file: string; output: string; ordinal: number; name: string };
  build: NodeBuild;
  /** The RedisCache prefix the runner reads: the worker stores results under it. */
  prefix: string;
  blobKeys: string[];
  /** `encodeCalls` of the chunk, base64. */
  calls: string;
}

export type JobResult =
  | { v: number; worker: string; results: { outputHash: string; durationMs: number }[] }
  | { v: number; worker: string; error: SentError };

export interface WorkerDescription {
  name: string;
  concurrency: number;
  nodes: { file: string; output: string; ordinal: number; name: string; codeHash: string; depsHash: string }[];
}

const isText = (value: unknown, max = 10_000): value is string => typeof value === "string" && value.length <= max;
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function checkJobData(data: unknown): JobData {
  if (!isObject(data) || data.v !== PROTOCOL_VERSION) throw new TypeError(`job data of another protocol version (${isObject(data) ? String(data.v) : typeof data}); runner and worker must use the same daft version`);
  const { node, build, prefix, blobKeys, calls } = data;
  if (!isObject(node) || !isText(node.file) || !isText(node.output) || !isCount(node.ordinal) || !isText(node.name)) throw new TypeError("malformed job data: node");
  if (!isObject(build) || !isText(build.codeHash, 100) || !isText(build.depsHash, 100)) throw new TypeError("malformed job data: build");
  if (!isText(prefix, 200) || prefix === "") throw new TypeError("malformed job data: prefix");
  if (!Array.isArray(blobKeys) || blobKeys.length === 0 || !blobKeys.every((key) => isText(key, 200))) throw new TypeError("malformed job data: blobKeys");
  if (!isText(calls, 512 * 1024 * 1024)) throw new TypeError("malformed job data: calls");
  return data as unknown as JobData;
}

export function checkJobResult(value: unknown, count: number): JobResult {
  if (!isObject(value) || value.v !== PROTOCOL_VERSION || !isText(value.worker, 300)) throw new TypeError("a malformed job result");
  if ("error" in value) {
    const error = asSentError(value.error);
    if (!error) throw new TypeError("a malformed job error");
    return { v: PROTOCOL_VERSION, worker: value.worker, error };
  }
  const { results } = value;
  if (!Array.isArray(results) || results.length !== count) throw new TypeError(`a job result for ${Array.isArray(results) ? results.length : "no"} calls, expected ${count}`);
  for (const result of results) {
    if (!isObject(result) || !isText(result.outputHash, 100) || typeof result.durationMs !== "number") throw new TypeError("a malformed job result entry");
  }
  return value as unknown as JobResult;
}

export function checkWorkerDescription(text: unknown): WorkerDescription | undefined {
  try {
    const value = JSON.parse(String(text)) as unknown;
    if (!isObject(value) || !isText(value.name, 300) || !isCount(value.concurrency) || !Array.isArray(value.nodes)) return undefined;
    const nodes = value.nodes.filter(
      (node: unknown) => isObject(node) && isText(node.file) && isText(node.output) && isCount(node.ordinal) && isText(node.codeHash, 100) && isText(node.depsHash, 100),
    );
    return { name: value.name, concurrency: value.concurrency, nodes } as WorkerDescription;
  } catch {
    return undefined;
  }
}

/** Adds or refreshes a worker, stamped with the server's clock (workers' clocks may differ). */
export const HEARTBEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return now`;

/** Forgets workers silent for longer than ARGV[1] ms and returns the descriptions of the others. */
export const LIVE_WORKERS_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
for _, id in ipairs(gone) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
local live = redis.call('ZRANGE', KEYS[1], 0, -1)
if #live == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(live))`;

/** ioredis connection options of a `redis://` / `rediss://` URL (BullMQ opens its own connections). */
export function connectionOptionsOf(url: string): { host: string; port: number; username?: string; password?: string; db?: number; tls?: object } {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") throw new TypeError(`not a redis:// URL: ${url}`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined && Number.isSafeInteger(db) ? { db } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}
