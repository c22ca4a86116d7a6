// How fast is a mapped, cached node over 100k small items — all misses, then all hits — on
// MemoryCache and DiskCache (same process and a fresh process), against a plain loop?
//
//   npm run build && node bench/runner-map.mjs [items=100000]
//
// Targets: all-hit ≥ 500k items/s on MemoryCache, ≥ 50k items/s on DiskCache.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CacheConfig, DiskCache, MemoryCache, Pipeline, Runner, func } from "../dist/src/index.js";

const count = Number(process.argv[2] ?? 100_000);
const cacheDirArg = process.argv[3];
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
if (cacheDirArg) {
  const runner = runnerFor(new DiskCache({ cacheDir: cacheDirArg }));
  const seconds = await timeRun(runner);
  if (runner.stats.hits !== count) throw new Error(`fresh process: expected ${count} hits, got ${runner.stats.hits}`);
  console.log(JSON.stringify({ seconds }));
  process.exit(0);
}

function plainLoop() {
  const started = performance.now();
  const out = [];
  for (const item of items) out.push(work({ item }));
  return (performance.now() - started) / 1000;
}

const rows = [];
const row = (name, seconds, baseline) => rows.push({ case: name, "items/s": Math.round(count / seconds), seconds: seconds.toFixed(3), "vs plain loop": `${(seconds / baseline).toFixed(1)}×` });

plainLoop(); // warm-up
const loop = Math.min(plainLoop(), plainLoop(), plainLoop());
row("plain loop (no daft)", loop, loop);

{
  const warm = runnerFor(new MemoryCache());
  await warm.run(pipeline, { item: items.slice(0, 1000) }); // JIT warm-up on a separate cache
  const runner = runnerFor(new MemoryCache());
  row("MemoryCache, all misses", await timeRun(runner), loop);
  row("MemoryCache, all hits", Math.min(await timeRun(runner), await timeRun(runner)), loop);
  if (runner.stats.hits !== count) throw new Error("expected all hits");
}

const dir = mkdtempSync(join(tmpdir(), "daft-bench-"));
try {
  const runner = runnerFor(new DiskCache({ cacheDir: dir }));
  row("DiskCache, all misses", await timeRun(runner), loop);
  row("DiskCache, all hits (same process)", await timeRun(runner), loop);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(count), dir], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(child.stderr);
  row("DiskCache, all hits (fresh process)", JSON.parse(child.stdout).seconds, loop);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`mapped cached node over ${count.toLocaleString("en")} items (node ${process.version})`);
console.table(rows);
