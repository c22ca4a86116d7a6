/**
 * Mode "distributed" with a real redis-server and real `daft worker` processes (the built CLI)
 * on copies of the parallel-project fixture: work shared by two workers, a second run all hits,
 * a worker killed mid-run, a worker built from other code, no worker, Redis down, a duplicate
 * submission, a module that runs a pipeline when imported, an input that cannot travel.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashString } from "../../src/hashing/xxhash.js";
import { jobIdOf } from "../../src/runner/distributed/protocol.js";
import { daft } from "../helpers/cli.js";
import { makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { copyParallelProject, runParallel, startDaftWorker, type WorkerProcess } from "../helpers/parallel-project.js";
import { redisUnavailable } from "../helpers/redis-availability.js";
import { freePort, startRedis, type RedisServer } from "../helpers/redis-server.js";

let redis: RedisServer;
let project: FixtureCopy;
let queueNumber = 0;
const workers: WorkerProcess[] = [];

/** Each test gets its own queue and cache prefix, so tests cannot see each other's workers or results. */
function fresh(): { queue: string; prefix: string; args: string[]; options: Record<string, unknown> } {
  queueNumber += 1;
  const queue = `q${queueNumber}`;
  const prefix = `t${queueNumber}:`;
  return { queue, prefix, args: ["--redis", redis.url, "--queue", queue], options: { mode: "distributed", redis: redis.url, redisCache: redis.url, prefix, queue } };
}

async function worker(dir: string, args: string[], extra: string[] = [], env: Record<string, string> = {}): Promise<WorkerProcess> {
  const started = await startDaftWorker(dir, ["nodes.mjs"], [...args, ...extra], env);
  workers.push(started);
  return started;
}

const logLines = (file: string) => readFileSync(file, "utf8").trim().split("\n").filter(Boolean);

describe.skipIf(redisUnavailable())('mode "distributed"', () => {
  beforeAll(async () => {
    redis = await startRedis();
    project = copyParallelProject();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((started) => started.kill("SIGKILL")));
  });
  afterAll(async () => {
    await redis?.stop();
    removeTempDirs();
  });

  it("submits work whose hash is all decimal digits (BullMQ refuses ids that read as integers)", async () => {
    let keys: string[] = [];
    for (let n = 0; !/^[1-9][0-9]{15}$/.test(hashString(`job\u0000q\u0000p\u0000${keys[0]}`)); n++) keys = [`key-${n}`];
    const queue = new Queue("digits", { connection: { host: "127.0.0.1", port: Number(new URL(redis.url).port) } });
    try {
      const job = await queue.add("chunk", {}, { jobId: jobIdOf("q", "p", keys) });
      expect(job.id).toBe(jobIdOf("q", "p", keys));
    } finally {
      await queue.close();
    }
  });

  it("two workers share an 80-item map (both take work); a second run is all hits from RedisCache", async () => {
    const { args, options } = fresh();
    const barrier = makeTempDir("daft-barrier-");
    const env = { BARRIER_DIR: barrier };
    const [first, second] = await Promise.all([worker(project.dir, args, ["--name", "w1"], env), worker(project.dir, args, ["--name", "w2"], env)]);
    const report = await runParallel(project.dir, { ...options, pipeline: "meet", items: 80 });
    expect(report.error).toBeUndefined();
    expect(report.out!.met).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(report.stats.misses).toBe(80);
    expect(new Set(report.stats.events.map((event) => event.worker))).toEqual(new Set([first.name, second.name]));
    const again = await runParallel(project.dir, { ...options, pipeline: "meet", items: 80 });
    expect(again.out).toEqual(report.out);
    expect(again.stats).toMatchObject({ hits: 80, misses: 0 });
  });

  it("gives the results of local mode for a CPU-bound node, its reduce running in the runner", async () => {
    const { args, options } = fresh();
    await worker(project.dir, args);
    const local = await runParallel(project.dir, { mode: "local", items: 12, ms: 5 });
    const distributed = await runParallel(project.dir, { ...options, items: 12, ms: 5 });
    expect(distributed.out).toEqual(local.out);
    expect(distributed.stats.events.find((event) => event.key === "total")).toEqual({ key: "total", status: "no-cache" });
    // The same work again after the cache was emptied: the finished jobs of the first run are
    // still known under the same ids, but their results are gone, so the work runs again.
    const afterClear = await runParallel(project.dir, { ...options, items: 12, ms: 5, clearFirst: true });
    expect(afterClear.error).toBeUndefined();
    expect(afterClear.out).toEqual(local.out);
    expect(afterClear.stats.misses).toBe(12);
  });

  it("loses nothing when a worker is killed with SIGKILL mid-run", async () => {
    const { args, options } = fresh();
    const log = `${makeTempDir()}/runs.log`;
    writeFileSync(log, "");
    const env = { RUN_LOG: log };
    const doomed = await worker(project.dir, args, ["--name", "doomed", "--lock-duration", "1000"], env);
    const survivor = await worker(project.dir, args, ["--name", "survivor", "--lock-duration", "1000"], env);
    const running = runParallel(project.dir, { ...options, items: 40, ms: 150 }, { env });
    // Kill the first worker once it is in the middle of its work.
    const deadline = Date.now() + 60_000;
    while (!logLines(log).some((line) => line.endsWith(` ${doomed.child.pid}`)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await doomed.kill("SIGKILL");
    const report = await running;
    expect(report.error).toBeUndefined();
    expect(report.out!.scored).toEqual(Array.from({ length: 40 }, (_, id) => ({ id, score: id * 2 + 1 })));
    expect(report.stats.misses).toBe(40);
    expect(report.stats.events.some((event) => event.worker === survivor.name)).toBe(true);
  });

  it("never lets a worker built from other code run a job: the run waits for a matching worker", async () => {
    const { args, options } = fresh();
    const edited = copyParallelProject();
    edited.edit("helpers.mjs", "export const SALT = 1;", "export const SALT = 2;");
    const log = `${makeTempDir()}/runs.log`;
    writeFileSync(log, "");
    const other = await worker(edited.dir, args, ["--name", "other-code"], { RUN_LOG: log });
    const running = runParallel(project.dir, { ...options, items: 6, ms: 1, jobTimeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const matching = await worker(project.dir, args, ["--name", "same-code"]);
    const report = await running;
    expect(report.error).toBeUndefined();
    expect(report.out!.scored).toEqual(Array.from({ length: 6 }, (_, id) => ({ id, score: id * 2 + 1 })));
    expect(new Set(report.stats.events.filter((event) => event.status === "miss").map((event) => event.worker))).toEqual(new Set([matching.name]));
    expect(logLines(log)).toEqual([]);
    expect(other.output()).not.toMatch(/error/i);
  });

  it("fails after jobTimeoutMs naming the node and both sides' hashes when only other code is connected", async () => {
    const { args, options } = fresh();
    const edited = copyParallelProject();
    edited.edit("helpers.mjs", "export const SALT = 1;", "export const SALT = 2;");
    await worker(edited.dir, args, ["--name", "other-code"]);
    const report = await runParallel(project.dir, { ...options, items: 3, ms: 1, jobTimeoutMs: 2000 });
    expect(report.error?.message).toMatch(
      /node "scored" \(output "scored"\): no compatible daft worker took its job within 2\.0 s \(jobTimeoutMs\): the runner has codeHash (\w+) depsHash (\w+); workers have it with codeHash \1 depsHash (\w+) \(other-code\): their code differs/,
    );
    const [, , runnerDeps, workerDeps] = /depsHash (\w+);.*depsHash (\w+) \(other-code\)/.exec(report.error!.message)!;
    expect(runnerDeps).not.toBe(workerDeps);
  });

  it("a process that does not call runner.close() still exits", async () => {
    const { args, options } = fresh();
    await worker(project.dir, args);
    const report = await runParallel(project.dir, { ...options, items: 4, ms: 1, noClose: true }, { timeoutMs: 60_000 });
    expect(report.code).toBe(0);
    expect(report.out!.total).toBe(16);
  });

  it("fails at once, saying how to start a worker, when none is connected", async () => {
    const { options } = fresh();
    const report = await runParallel(project.dir, { ...options, items: 3, ms: 1, jobTimeoutMs: 120_000 });
    expect(report.error?.message).toContain('no daft worker is connected to queue "');
    expect(report.error?.message).toContain(`daft worker nodes.mjs --redis ${redis.url}`);
    expect(report.seconds).toBeUndefined();
  });

  it("fails with a clear error when Redis is down", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const report = await runParallel(project.dir, { mode: "distributed", redis: url, redisCache: url, items: 2, ms: 1 });
    expect(report.error?.message).toContain(`cannot connect to Redis at ${url}`);
    expect(report.error?.message).toContain("redis-server --port 6379");
    const started = await daft(["worker", "nodes.mjs", "--redis", url], project.dir);
    expect(started.code).toBe(1);
    expect(started.stderr).toContain(`cannot connect to Redis at ${url}`);
  });

  it("runs work submitted twice at the same time once", async () => {
    const { args, options } = fresh();
    const log = `${makeTempDir()}/runs.log`;
    writeFileSync(log, "");
    await Promise.all([worker(project.dir, args, [], { RUN_LOG: log }), worker(project.dir, args, [], { RUN_LOG: log })]);
    const run = () => runParallel(project.dir, { ...options, items: 4, ms: 1500 }, { env: { RUN_LOG: log } });
    const [first, second] = await Promise.all([run(), run()]);
    expect(first.error ?? second.error).toBeUndefined();
    expect(second.out).toEqual(first.out);
    expect(logLines(log).map((line) => line.split(" ").slice(0, 2).join(" ")).sort()).toEqual(["scored 0", "scored 1", "scored 2", "scored 3"]);
  });

  it("a node error on a worker fails the run with the NodeError: node, item, original message", async () => {
    const { args, options } = fresh();
    await worker(project.dir, args);
    const report = await runParallel(project.dir, { ...options, pipeline: "failing", items: 6 });
    expect(report.error).toMatchObject({ name: "NodeError", node: "checked", item: 3 });
    expect(report.error!.cause).toMatchObject({ name: "RangeError", message: "value 3 is out of range" });
  });

  it("an input that cannot travel is an error naming the node and the input", async () => {
    const { args, options } = fresh();
    await worker(project.dir, args);
    const report = await runParallel(project.dir, { ...options, pipeline: "described", model: "class", items: 2 });
    expect(report.error).toMatchObject({ name: "NotTransferableError", node: "described", input: "model" });
    expect(report.error!.message).toContain("cannot be sent to a daft worker");
  });

  it("refuses to start on a module that runs a pipeline when imported", async () => {
    const result = await daft(["worker", "runs-on-import.mjs", "--redis", redis.url], project.dir, { env: { MODE: "local" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("runs a pipeline when imported; move nodes to a module of their own");
  });
});
