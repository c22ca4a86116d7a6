// Which worker-thread pool should `mode: "threads"` use: Piscina or tinypool?
// Measured on the things a runner pays for: start-up (construct + first answer from every
// thread), the round trip of a trivial task (one at a time, and 64 in flight), throughput of
// 2 × 20 ms busy tasks per thread, and the memory a pool of `threads` idle workers holds.
// Each round measures both pools in alternating order; medians of `rounds`.
//
//   node bench/thread-pool.mjs [rounds=5] [threads=2]
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { Tinypool } from "tinypool";

const rounds = Number(process.argv[2] ?? 5);
const threads = Number(process.argv[3] ?? Math.min(2, availableParallelism()));
const filename = new URL("./thread-pool/task.mjs", import.meta.url).href;

const pools = {
  piscina: () => new Piscina({ filename, minThreads: threads, maxThreads: threads }),
  tinypool: () => new Tinypool({ filename, minThreads: threads, maxThreads: threads }),
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(make) {
  const rssBefore = process.memoryUsage().rss;
  let started = performance.now();
  const pool = make();
  await Promise.all(Array.from({ length: threads }, (_, n) => pool.run({ n, ms: 5 })));
  const startupMs = performance.now() - started - 5;
  const rssMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

  const serial = 2000;
  started = performance.now();
  for (let n = 0; n < serial; n++) await pool.run({ n });
  const roundTripUs = ((performance.now() - started) / serial) * 1000;

  const parallel = 20_000;
  started = performance.now();
  const inFlight = [];
  for (let n = 0; n < parallel; n++) {
    inFlight.push(pool.run({ n }));
    if (inFlight.length === 64) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const tasksPerSecond = parallel / ((performance.now() - started) / 1000);

  const busy = threads * 20;
  started = performance.now();
  await Promise.all(Array.from({ length: busy }, (_, n) => pool.run({ n, ms: 20 })));
  const busyEfficiency = (busy * 20) / threads / (performance.now() - started);

  started = performance.now();
  await pool.destroy();
  const destroyMs = performance.now() - started;
  return { startupMs, rssMb, roundTripUs, tasksPerSecond, busyEfficiency, destroyMs };
}

const results = { piscina: [], tinypool: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ["piscina", "tinypool"] : ["tinypool", "piscina"];
  for (const name of order) results[name].push(await measure(pools[name]));
}

const fields = [
  ["startupMs", "start-up, ms (construct + first answer of each thread)", (v) => v.toFixed(1)],
  ["rssMb", "RSS added by the pool, MiB", (v) => v.toFixed(1)],
  ["roundTripUs", "trivial task, one at a time, µs", (v) => v.toFixed(0)],
  ["tasksPerSecond", "trivial tasks/s, 64 in flight", (v) => Math.round(v).toLocaleString("en")],
  ["busyEfficiency", "20 ms busy tasks: share of ideal parallel speed", (v) => v.toFixed(2)],
  ["destroyMs", "destroy(), ms", (v) => v.toFixed(1)],
];
const table = fields.map(([key, label, show]) => {
  const p = results.piscina.map((r) => r[key]);
  const t = results.tinypool.map((r) => r[key]);
  const range = (values) => `${show(median(values))} (${show(Math.min(...values))}–${show(Math.max(...values))})`;
  return { measure: label, piscina: range(p), tinypool: range(t), "piscina / tinypool": (median(p) / median(t)).toFixed(2) };
});
console.log(`Node ${process.version}, ${threads} threads, ${rounds} rounds (median, range)`);
console.table(table);
