// What does the runner add to a cache miss? A mapped, cached node over 100k small items on
// MemoryCache, all misses, against a hand-written loop doing the same essential work per item:
// hash the item, derive its key and blob key, look it up, call the function, hash the output,
// store the entry and the signature, count the miss. Rounds alternate the two in one process.
//
//   npm run build && node bench/runner-miss-path.mjs [items=100000] [rounds=5]
//
// Target: the runner within 1.5× of the hand-written loop.
import { CacheConfig, MemoryCache, Pipeline, Runner, func, hashValue } from "../dist/src/index.js";
import { hashString } from "../dist/src/hashing/xxhash.js";

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const items = Array.from({ length: count }, (_, i) => ({ id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count }));
const work = ({ item }) => item.score * 2 + item.tags.length;

const node = func({ output: "scored", mapAxis: "item", cache: true }, work);
const pipeline = new Pipeline({ functions: [node] });
const runnerFor = (backend) => new Runner({ progress: false, cacheConfig: new CacheConfig({ enabled: true, backend, verbose: false }) });

async function runner() {
  const runner = runnerFor(new MemoryCache());
  const started = performance.now();
  await runner.run(pipeline, { item: items });
  const seconds = (performance.now() - started) / 1000;
  if (runner.stats.misses !== count) throw new Error(`expected ${count} misses, got ${runner.stats.misses}`);
  return seconds;
}

// The same work without the runner: what any correct per-item cache must do at the least.
function handWritten() {
  const backend = new MemoryCache();
  const prefix = `${hashString("code\u0000env\u0000deps")}\u0000`;
  const started = performance.now();
  const out = new Array(count);
  let misses = 0;
  for (let i = 0; i < count; i++) {
    const item = items[i];
    const itemHash = hashValue(item);
    const key = `scored::${item.id}`;
    const blobKey = hashString(`${key}\u0000${prefix}${itemHash}`);
    const found = backend.getBlob(blobKey);
    if (found) {
      out[i] = found.value;
      continue;
    }
    const t = performance.now();
    const value = work({ item });
    const durationMs = performance.now() - t;
    const outputHash = hashValue(value);
    backend.setBlob(blobKey, { value, outputHash, createdAt: Date.now(), durationMs, nodeName: key });
    backend.setMeta({ nodeName: key, codeHash: "code", envHash: "env", inputsHash: hashString(itemHash), depsHash: "deps", timestamp: Date.now(), parts: { inputs: { item: itemHash } } });
    out[i] = value;
    misses++;
  }
  const seconds = (performance.now() - started) / 1000;
  if (misses !== count) throw new Error("expected all misses");
  return seconds;
}

await runnerFor(new MemoryCache()).run(pipeline, { item: items.slice(0, 2000) }); // JIT warm-up
handWritten();
const runs = { runner: [], hand: [] };
for (let r = 0; r < rounds; r++) {
  runs.hand.push(handWritten());
  runs.runner.push(await runner());
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ratios = runs.runner.map((seconds, i) => seconds / runs.hand[i]);
const range = (list, digits) => `${Math.min(...list).toFixed(digits)} – ${Math.max(...list).toFixed(digits)}`;
const rate = (list) => `${Math.round(count / Math.max(...list) / 1000)}k – ${Math.round(count / Math.min(...list) / 1000)}k`;
console.log(`MemoryCache, all misses, ${count.toLocaleString("en")} items, ${rounds} rounds (node ${process.version})`);
console.table([
  { case: "hand-written loop (baseline)", "µs per item (median)": ((median(runs.hand) * 1e6) / count).toFixed(2), "items/s (range)": rate(runs.hand), "× baseline": "1.00" },
  {
    case: "runner",
    "µs per item (median)": ((median(runs.runner) * 1e6) / count).toFixed(2),
    "items/s (range)": rate(runs.runner),
    "× baseline": `${median(ratios).toFixed(2)} (${range(ratios, 2)})`,
  },
]);
