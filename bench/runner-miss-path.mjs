// What does the runner add to a cache miss? A mapped, cached node over 100k small items on
// MemoryCache, all misses, against a hand-written loop doing the same essential work per item:
// hash the item, derive its key and blob key, look it up, call the function, hash the output,
// store the entry and the signature, count the miss. Rounds alternate the two in one process.
//
//   npm run build && node bench/runner-miss-path.mjs [items=100000] [rounds=5] [other build]
//
// Target: the runner within 1.5× of the hand-written loop. `other build`: the path of another
// build's dist/src/index.js (an earlier commit built elsewhere), run in the same rounds.
import { pathToFileURL } from "node:url";
import { CacheConfig, MemoryCache, Pipeline, Runner, func, hashValue } from "../dist/src/index.js";
import { hashString } from "../dist/src/hashing/xxhash.js";

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const other = process.argv[4] ? await import(pathToFileURL(process.argv[4]).href) : undefined;
const items = Array.from({ length: count }, (_, i) => ({ id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count }));
const work = ({ item }) => item.score * 2 + item.tags.length;

/**
 * Wall time and this process's CPU time (seconds). On a machine shared with other work the CPU
 * time moves less: it leaves out the time other processes had the cores.
 */
function clock() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      return { wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
    },
  };
}

/** Times an all-miss run of the node over a fresh MemoryCache, with daft's exports `api`. */
function runnerOf(api) {
  const node = api.func({ output: "scored", mapAxis: "item", cache: true }, work);
  const pipeline = new api.Pipeline({ functions: [node] });
  const runnerFor = () => new api.Runner({ progress: false, cacheConfig: new api.CacheConfig({ enabled: true, backend: new api.MemoryCache(), verbose: false }) });
  return async (slice = items) => {
    const runner = runnerFor();
    const started = clock();
    await runner.run(pipeline, { item: slice });
    const took = started.stop();
    if (runner.stats.misses !== slice.length) throw new Error(`expected ${slice.length} misses, got ${runner.stats.misses}`);
    return took;
  };
}
const runner = runnerOf({ CacheConfig, MemoryCache, Pipeline, Runner, func });
const otherRunner = other && runnerOf(other);

// The same work without the runner: what any correct per-item cache must do at the least.
function handWritten() {
  const backend = new MemoryCache();
  const prefix = `${hashString("code\u0000env\u0000deps")}\u0000`;
  const started = clock();
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
  const took = started.stop();
  if (misses !== count) throw new Error("expected all misses");
  return took;
}

await runner(items.slice(0, 2000)); // JIT warm-up
await otherRunner?.(items.slice(0, 2000));
handWritten();
const runs = { runner: [], hand: [], other: [] };
for (let r = 0; r < rounds; r++) {
  // Alternating the order, so neither always follows the other's garbage.
  if (r % 2 === 0) runs.hand.push(handWritten());
  runs.runner.push(await runner());
  if (otherRunner) runs.other.push(await otherRunner());
  if (r % 2 === 1) runs.hand.push(handWritten());
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const range = (list, digits) => `${Math.min(...list).toFixed(digits)} – ${Math.max(...list).toFixed(digits)}`;
const rate = (list) => `${Math.round(count / Math.max(...list) / 1000)}k – ${Math.round(count / Math.min(...list) / 1000)}k`;
const row = (name, list) => {
  const ratio = (kind) => {
    const ratios = list.map((took, i) => took[kind] / runs.hand[i][kind]);
    return `${median(ratios).toFixed(2)} (${range(ratios, 2)})`;
  };
  const walls = list.map((took) => took.wall);
  return {
    case: name,
    "µs per item (median)": ((median(walls) * 1e6) / count).toFixed(2),
    "items/s (range)": rate(walls),
    "× baseline, wall time": ratio("wall"),
    "× baseline, CPU time": ratio("cpu"),
  };
};
console.log(`MemoryCache, all misses, ${count.toLocaleString("en")} items, ${rounds} rounds (node ${process.version}); ratios per round: median (range)`);
console.table([row("hand-written loop (baseline)", runs.hand), row("runner", runs.runner), ...(otherRunner ? [row(`runner of ${process.argv[4]}`, runs.other)] : [])]);
