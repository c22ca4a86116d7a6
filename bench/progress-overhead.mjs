// Does the progress display slow a run down? A cached mapped node over 100k items (all hits,
// the case where per-item overhead shows most), with the display drawing to a terminal-like
// sink versus progress: false, in the same process.
//
//   npm run build && node bench/progress-overhead.mjs [items=100000]
//
// Target: within 10% of progress: false.
import { MemoryCache, Pipeline, Runner, func } from "../dist/src/index.js";

const count = Number(process.argv[2] ?? 100_000);
const items = Array.from({ length: count }, (_, i) => ({ id: i, score: i / count }));
const node = func({ output: "scored", mapAxis: "item", cache: true }, ({ item }) => item.score * 2);
const pipeline = new Pipeline({ functions: [node] });
const backend = new MemoryCache();

let drawnBytes = 0;
/** Counts what would reach the terminal; showAfterMs 0 so every run draws from the start. */
const terminal = { isTTY: true, columns: 100, rows: 40, write: (text) => (drawnBytes += text.length) };
const runners = {
  "progress: false": new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } }),
  "progress drawing": new Runner({
    progress: { enabled: true, stream: terminal, showAfterMs: 0 },
    cacheConfig: { enabled: true, backend, verbose: false },
  }),
};

async function timeRun(runner) {
  const started = performance.now();
  await runner.run(pipeline, { item: items });
  return (performance.now() - started) / 1000;
}

await runners["progress: false"].run(pipeline, { item: items }); // fill the cache, warm the JIT
const best = {};
for (let round = 0; round < 5; round++) {
  // Alternate, so drift in the machine's speed affects both alike.
  for (const [name, runner] of Object.entries(runners)) best[name] = Math.min(best[name] ?? Infinity, await timeRun(runner));
}

const baseline = best["progress: false"];
console.log(`cached mapped node, ${count.toLocaleString("en")} hits per run, best of 5 (node ${process.version})`);
console.table(
  Object.entries(best).map(([name, seconds]) => ({
    case: name,
    seconds: seconds.toFixed(3),
    "items/s": Math.round(count / seconds),
    "vs progress: false": `${(seconds / baseline).toFixed(2)}×`,
  })),
);
console.log(`bytes drawn: ${drawnBytes}`);
