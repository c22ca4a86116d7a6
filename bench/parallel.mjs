// How much faster are modes "threads" and "distributed" than "local" on a CPU-bound mapped
// node, and how many trivial items per second go through "distributed" (chunked jobs) and
// through an all-hit RedisCache run? One process, against a private redis-server and two
// `daft worker` processes (concurrency 1 each); nodes are the parallel-project fixture's, in a
// temp copy, loaded through daft's loader as users run them.
//
//   npm run build && node bench/parallel.mjs [items=200] [ms=20] [trivial=20000] [rounds=3]
//
// Targets on an idle 2-core machine: threads ≥ 1.8× local, distributed (2 workers) ≥ 1.6×,
// trivial items through distributed ≥ 20k items/s, RedisCache all hits ≥ 100k items/s.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [items = 200, ms = 20, trivial = 20_000, rounds = 3] = process.argv.slice(2).map(Number);

if (!process.env.DAFT_BENCH_PROJECT) {
  // Parent: a copy of the fixture with daft linked in, then this script again under the loader
  // (workers load nodes through it, so the runner must have the same build hashes).
  const project = mkdtempSync(join(tmpdir(), "daft-bench-parallel-"));
  cpSync(join(repo, "fixtures", "parallel-project"), project, { recursive: true });
  mkdirSync(join(project, "node_modules"));
  symlinkSync(repo, join(project, "node_modules", "daft"), "dir");
  const child = spawn(process.execPath, ["--import", pathToFileURL(join(repo, "dist", "loader", "index.js")).href, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, DAFT_BENCH_PROJECT: project },
  });
  child.on("exit", (code) => {
    rmSync(project, { recursive: true, force: true });
    process.exit(code ?? 1);
  });
} else {
  await measure(process.env.DAFT_BENCH_PROJECT);
}

async function measure(project) {
  const { tsImport } = await import("tsx/esm/api");
  const { startRedis } = await tsImport("../test/helpers/redis-server.ts", import.meta.url);
  const { CacheConfig, MemoryCache, Runner } = await import("../dist/src/index.js");
  const { RedisCache } = await import("../dist/src/redis/index.js");
  const nodes = await import(pathToFileURL(join(project, "nodes.mjs")).href);

  const server = await startRedis();
  const workers = await Promise.all(["w1", "w2"].map((name) => startWorker(project, server.url, name)));
  const inputs = (count, spin) => ({ item: Array.from({ length: count }, (_, id) => ({ id, value: id })), ms: spin });
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const range = (values, digits = 2) => `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
  let prefixNumber = 0;
  const freshRedisCache = () => new RedisCache({ url: server.url, prefix: `bench${++prefixNumber}:` });

  // The mean time of one item where it ran: 20 ms busy-waits take longer when other processes
  // preempt the thread (a wall-clock loop finishes late), which no executor can help.
  const itemMs = { local: [], threadsWarm: [], distributed: [] };
  const meanItemMs = (runner) => {
    const misses = runner.stats.events.filter((event) => event.status === "miss");
    return misses.reduce((sum, event) => sum + event.durationMs, 0) / misses.length;
  };

  async function timed(runner, pipeline, runInputs, itemTimes) {
    const started = performance.now();
    await runner.run(pipeline, runInputs);
    const seconds = (performance.now() - started) / 1000;
    itemTimes?.push(meanItemMs(runner));
    return seconds;
  }

  const local = [];
  const threadsCold = [];
  const threadsWarm = [];
  const distributed = [];
  const trivialDistributed = [];
  const allHits = [];
  const options = { progress: false };
  for (let round = 0; round < rounds; round++) {
    const localCache = new MemoryCache();
    local.push(await timed(new Runner({ ...options, cacheConfig: new CacheConfig({ enabled: true, backend: localCache, verbose: false }) }), nodes.busyPipeline, inputs(items, ms), itemMs.local));

    const threadsCache = new MemoryCache();
    const threads = new Runner({ ...options, mode: "threads", cacheConfig: new CacheConfig({ enabled: true, backend: threadsCache, verbose: false }) });
    threadsCold.push(await timed(threads, nodes.busyPipeline, inputs(items, ms)));
    threadsCache.clear();
    threadsWarm.push(await timed(threads, nodes.busyPipeline, inputs(items, ms), itemMs.threadsWarm));
    await threads.close();

    const cache = freshRedisCache();
    const remote = new Runner({ ...options, mode: "distributed", redis: server.url, cacheConfig: new CacheConfig({ enabled: true, backend: cache, verbose: false }) });
    distributed.push(await timed(remote, nodes.busyPipeline, inputs(items, ms), itemMs.distributed));
    await remote.close();
    await cache.close();

    const trivialCache = freshRedisCache();
    const trivialRunner = new Runner({ ...options, mode: "distributed", redis: server.url, cacheConfig: new CacheConfig({ enabled: true, backend: trivialCache, verbose: false }) });
    trivialDistributed.push(trivial / (await timed(trivialRunner, nodes.busyPipeline, inputs(trivial, 0))));
    allHits.push(trivial / (await timed(trivialRunner, nodes.busyPipeline, inputs(trivial, 0))));
    if (trivialRunner.stats.hits !== trivial) throw new Error(`expected ${trivial} hits, got ${trivialRunner.stats.hits}`);
    await trivialRunner.close();
    await trivialCache.close();
  }

  const speedups = (times) => times.map((seconds, i) => local[i] / seconds);
  console.log(`Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((load) => load.toFixed(1)).join(" ")} at the end; ${rounds} rounds, median (range)`);
  console.table([
    { case: `local: ${items} items × ${ms} ms busy-wait`, seconds: range(local), "vs local": "1.00", "ms per item where it ran": range(itemMs.local, 1) },
    { case: "threads (2 threads), pool start-up included", seconds: range(threadsCold), "vs local": range(speedups(threadsCold)), "ms per item where it ran": "" },
    { case: "threads (2 threads), pool already started", seconds: range(threadsWarm), "vs local": range(speedups(threadsWarm)), "ms per item where it ran": range(itemMs.threadsWarm, 1) },
    { case: "distributed (2 daft worker processes)", seconds: range(distributed), "vs local": range(speedups(distributed)), "ms per item where it ran": range(itemMs.distributed, 1) },
  ]);
  console.table([
    { case: `distributed, ${trivial} trivial items (chunked jobs)`, "items/s": range(trivialDistributed, 0) },
    { case: `RedisCache, ${trivial} items, all hits (getMany)`, "items/s": range(allHits, 0) },
  ]);
  await Promise.all(workers.map((worker) => worker.stop()));
  await server.stop();
}

function startWorker(project, url, name) {
  const child = spawn(process.execPath, [join(repo, "dist", "src", "cli", "index.js"), "worker", "nodes.mjs", "--redis", url, "--name", name], {
    cwd: project,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  return new Promise((resolveStarted, reject) => {
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      output += chunk;
      if (output.includes(": serving")) {
        resolveStarted({
          stop: () =>
            new Promise((resolveStopped) => {
              child.once("exit", resolveStopped);
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`daft worker exited (${code}):\n${output}`)));
  });
}
