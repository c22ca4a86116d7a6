// How fast is a mapped, cached node over 100k small items — all misses, then all hits — on
// MemoryCache and DiskCache (same process and a fresh process), against a plain loop? And how
// much disk do the 100k DiskCache entries take?
//
//   npm run build && node bench/runner-map.mjs [items=100000] [rounds=3]
//
// Targets: MemoryCache all-hit ≥ 500k items/s; DiskCache all-miss ≥ 30k items/s, all-hit
// ≥ 100k items/s in one process, a fresh process answering 100k hits in ≤ 1.0 s, 100k entries
// in ≤ 50 MB. Rates depend on the machine's load; the ratios against the plain loop and
// MemoryCache, run in the same process, are the steadier figures.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CacheConfig, DiskCache, MemoryCache, Pipeline, Runner, func } from "../dist/src/index.js";

const count = Number(process.argv[2] ?? 100_000);
const childDir = process.argv[3] !== undefined && Number.isNaN(Number(process.argv[3])) ? process.argv[3] : undefined;
const rounds = Number(process.argv[3] ?? 3);
const items = Array.from({ length: count }, (_, i) => ({ id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count }));
const work = ({ item }) => item.score * 2 + item.tags.length;

const node = func({ output: "scored", mapAxis: "item", cache: true }, work);
const pipeline = new Pipeline({ functions: [node] });
const runnerFor = (backend) => new Runner({ progress: false, cacheConfig: new CacheConfig({ enabled: true, backend, verbose: false }) });

async function timeRun(runner) {
  const started = performance.now();
  await runner.run(pipeline, { item: items });
  return (performance.now() - started) / 1000;
}

// A fresh process that only reads: `node runner-map.mjs <count> <cacheDir>` prints its seconds.
if (childDir) {
  const runner = runnerFor(new DiskCache({ cacheDir: childDir }));
  const seconds = await timeRun(runner);
  if (runner.stats.hits !== count) throw new Error(`fresh process: expected ${count} hits, got ${runner.stats.hits}`);
  console.log(JSON.stringify({ seconds }));
  process.exit(0);
}

/** Bytes the files under `dir` take on disk (allocated blocks, as `du` counts them). */
function diskUsage(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? diskUsage(path) : statSync(path).blocks * 512;
  }
  return bytes;
}

function plainLoop() {
  const started = performance.now();
  const out = [];
  for (const item of items) out.push(work({ item }));
  return (performance.now() - started) / 1000;
}

const cases = new Map();
const record = (name, seconds, loop, memory) => {
  if (!cases.has(name)) cases.set(name, []);
  cases.get(name).push({ seconds, loop: seconds / loop, memory: memory === undefined ? undefined : seconds / memory });
};
const sizes = [];

{
  const warm = runnerFor(new MemoryCache());
  await warm.run(pipeline, { item: items.slice(0, 1000) }); // JIT warm-up on a separate cache
}
for (let round = 0; round < rounds; round++) {
  plainLoop();
  const loop = Math.min(plainLoop(), plainLoop(), plainLoop());
  record("plain loop (no daft)", loop, loop);
  const memory = runnerFor(new MemoryCache());
  const memoryMiss = await timeRun(memory);
  const memoryHit = Math.min(await timeRun(memory), await timeRun(memory));
  if (memory.stats.hits !== count) throw new Error("expected all hits");
  record("MemoryCache, all misses", memoryMiss, loop, memoryMiss);
  record("MemoryCache, all hits", memoryHit, loop, memoryHit);

  const dir = mkdtempSync(join(tmpdir(), "daft-bench-"));
  try {
    const runner = runnerFor(new DiskCache({ cacheDir: dir }));
    record("DiskCache, all misses", await timeRun(runner), loop, memoryMiss);
    const valuesBytes = diskUsage(join(dir, "values"));
    sizes.push({ total: diskUsage(dir), values: valuesBytes });
    record("DiskCache, all hits (same process)", await timeRun(runner), loop, memoryHit);
    if (runner.stats.hits !== count) throw new Error("expected all hits");
    const spawned = performance.now();
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(count), dir], { encoding: "utf8" });
    const whole = (performance.now() - spawned) / 1000;
    if (child.status !== 0) throw new Error(child.stderr);
    record("DiskCache, all hits (fresh process: the run)", JSON.parse(child.stdout).seconds, loop, memoryHit);
    record("DiskCache, all hits (fresh process: node start to exit)", whole, loop, memoryHit);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const range = (list, format) => {
  const low = Math.min(...list);
  const high = Math.max(...list);
  return low === high || list.length === 1 ? format(low) : `${format(low)} – ${format(high)}`;
};
const k = (rate) => (rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M` : `${Math.round(rate / 1000)}k`);
const times = (ratio) => `${ratio.toFixed(ratio < 10 ? 2 : 0)}×`;
console.log(`mapped cached node over ${count.toLocaleString("en")} items, ${rounds} round(s) (node ${process.version}); ranges over the rounds`);
console.table(
  [...cases].map(([name, runs]) => ({
    case: name,
    "items/s": range(runs.map((run) => count / run.seconds), k),
    seconds: range(runs.map((run) => run.seconds), (s) => s.toFixed(3)),
    "× plain loop (time)": range(runs.map((run) => run.loop), times),
    "× MemoryCache (time)": runs[0].memory === undefined ? "" : range(runs.map((run) => run.memory), times),
  })),
);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(`DiskCache on disk after the misses: ${range(sizes.map((size) => size.total), mb)} (values and index: ${range(sizes.map((size) => size.values), mb)}, the rest signatures)`);
