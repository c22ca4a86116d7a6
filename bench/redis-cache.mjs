// How fast is RedisCache — one call per item against the batched getMany/setMany — and what
// does a mapped, cached node over many items get through the runner? Against a private
// redis-server on loopback, started by this script.
//
//   npm run build && node bench/redis-cache.mjs [items=100000] [rounds=3]
//
// Target: all hits ≥ 100k items/s with batching. The one-by-one baselines (each call awaits its
// round trip) run on a 5,000-item sample; every rate is items per second, ratios are against the
// one-by-one call of the same direction, measured in the same process. The last column divides
// by this process's CPU time instead of wall time: on a loaded machine it says what the client
// side costs (redis-server runs in its own process).
import { Redis } from "ioredis";
import { tsImport } from "tsx/esm/api";
import { CacheConfig, Pipeline, Runner, func } from "../dist/src/index.js";
import { RedisCache } from "../dist/src/redis/index.js";

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
const SAMPLE = Math.min(5000, count);
const RUNNER_WINDOW = 16; // the runner's default concurrency: how many calls it has in flight

const { startRedis } = await tsImport("../test/helpers/redis-server.ts", import.meta.url);
const server = await startRedis();

const items = Array.from({ length: count }, (_, i) => ({ id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count }));
const keys = items.map((item) => `bench-${item.id}`);
const entryOf = (item) => ({ value: { id: item.id, score: item.score * 2, tags: item.tags }, outputHash: "0123456789abcdef", createdAt: 1_700_000_000_000, durationMs: 0.01, nodeName: `scored::${item.id}` });
const entries = items.map(entryOf);

/** Wall seconds taken by `run`, and this process's CPU seconds during it. */
async function seconds(run) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/** `call(i)` for every i < n, at most `window` in flight (1 = each awaits the previous). */
async function inWindow(n, window, call) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await call(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, worker));
}

/** Counts the batched calls the runner makes, to say which path its figures measure. */
class CountingRedisCache extends RedisCache {
  batched = 0;
  getMany(keys) {
    this.batched += 1;
    return super.getMany(keys);
  }
  setMany(writes) {
    this.batched += 1;
    return super.setMany(writes);
  }
}

const results = new Map(); // case -> items/s of each round
const cpuRates = new Map(); // case -> items per CPU second of this process, each round
const record = (name, n, time) => {
  results.set(name, [...(results.get(name) ?? []), n / time.wall]);
  cpuRates.set(name, [...(cpuRates.get(name) ?? []), n / time.cpu]);
};

const raw = new Redis(server.url);
try {
  for (let round = 0; round < rounds; round += 1) {
    const cache = new RedisCache({ url: server.url, prefix: `bench${round}:` });
    const ttlCache = new RedisCache({ url: server.url, prefix: `bench${round}:`, ttlSeconds: 3600 });
    await cache.getBlob("warm-up connection");
    await ttlCache.getBlob("warm-up connection");

    record("setBlob, one at a time", SAMPLE, await seconds(() => inWindow(SAMPLE, 1, (i) => cache.setBlob(keys[i], entries[i]))));
    record(`setBlob, ${RUNNER_WINDOW} in flight`, count, await seconds(() => inWindow(count, RUNNER_WINDOW, (i) => cache.setBlob(keys[i], entries[i]))));
    record("setMany", count, await seconds(() => cache.setMany(keys.map((key, i) => ({ key, entry: entries[i] })))));

    record("getBlob, one at a time (hits)", SAMPLE, await seconds(() => inWindow(SAMPLE, 1, (i) => cache.getBlob(keys[i]))));
    record(`getBlob, ${RUNNER_WINDOW} in flight (hits)`, count, await seconds(() => inWindow(count, RUNNER_WINDOW, (i) => cache.getBlob(keys[i]))));
    let found;
    record("getMany (hits)", count, await seconds(async () => (found = await cache.getMany(keys))));
    if (found.some((entry, i) => entry?.value.id !== i)) throw new Error("getMany returned wrong entries");
    record("getMany with ttlSeconds (hits, refreshing the TTL)", count, await seconds(() => ttlCache.getMany(keys)));

    // Through the runner: a mapped, cached node, first run all misses, second all hits.
    const node = func({ output: "scored", mapAxis: "item", cache: true }, ({ item }) => ({ id: item.id, score: item.score * 2, tags: item.tags }));
    const pipeline = new Pipeline({ functions: [node] });
    const counting = new CountingRedisCache({ url: server.url, prefix: `bench-runner${round}:` });
    const runner = new Runner({ progress: false, cacheConfig: new CacheConfig({ enabled: true, backend: counting, verbose: false }) });
    record("runner, all misses", count, await seconds(() => runner.run(pipeline, { item: items })));
    record("runner, all hits", count, await seconds(() => runner.run(pipeline, { item: items })));
    if (runner.stats.hits !== count) throw new Error(`expected ${count} hits, got ${runner.stats.hits}`);
    results.set("runner batched calls", [counting.batched]);

    await Promise.all([cache.clear(), counting.clear()]);
    await Promise.all([cache.close(), ttlCache.close(), counting.close()]);
  }
} finally {
  raw.disconnect();
  await server.stop();
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (name) => median(results.get(name));
const range = (name) => {
  const values = results.get(name);
  const low = Math.round(Math.min(...values) / 1000);
  const high = Math.round(Math.max(...values) / 1000);
  return low === high ? `${low}k` : `${low}k – ${high}k`;
};
const baselineOf = (name) => (name.startsWith("set") || name.includes("misses") ? "setBlob, one at a time" : "getBlob, one at a time (hits)");
const rows = [...results.keys()]
  .filter((name) => name !== "runner batched calls")
  .map((name) => ({
    case: name,
    "items/s (median)": Math.round(rate(name)),
    "range over rounds": range(name),
    "vs one at a time": `${(rate(name) / rate(baselineOf(name))).toFixed(1)}×`,
    "items per CPU-second (this process)": Math.round(median(cpuRates.get(name))),
  }));

console.log(`RedisCache, ${count.toLocaleString("en")} small items (one-by-one rows: ${SAMPLE.toLocaleString("en")}), ${rounds} rounds, node ${process.version}, redis-server on loopback`);
console.table(rows);
const batched = results.get("runner batched calls")[0];
console.log(
  batched > 0
    ? `The runner used getMany/setMany (${batched} batched calls in the last round).`
    : "The runner called getBlob/setBlob once per item (no getMany/setMany): its rows will improve when it batches; the getMany row is the ceiling.",
);
