// npm run build && node bench/xxhash-sync.mjs [rounds]
//
// Does daft's own synchronous driver of xxhash-wasm's binary (src/hashing/xxhash.ts: compiled
// and instantiated when the module loads, no top-level await) cost anything against xxhash-wasm's
// own API (instantiated asynchronously)? Both hash the same inputs in this process; each round
// times both, one after the other in alternating order, and the table gives the median of the
// per-round ratios (daft / xxhash-wasm, in calls per second: above 1 is faster). Also: what each
// way of getting an instance costs, and a check that both give the same hashes.
import xxhashWasm from "xxhash-wasm";
import { xx } from "../dist/src/hashing/xxhash.js";

const ROUNDS = Number(process.argv[2] ?? 9);
const ROUND_MS = 200;

const t0 = performance.now();
const reference = await xxhashWasm();
const asyncInitMs = performance.now() - t0;
// A fresh module instance of daft's driver, to time its synchronous set-up.
const t1 = performance.now();
await import(`../dist/src/hashing/xxhash.js?fresh=${Date.now()}`);
const syncInitMs = performance.now() - t1;

function bytes(length) {
  return new Uint8Array(length).map((_, i) => (i * 2654435761) >>> 24);
}
const small = bytes(24);
const kilobyte = bytes(1024);
const megabyte = bytes(1 << 20);
const text = "doc-17\u0000scores\u0000a5b3c2d1e0f9a8b7";
const chunk = bytes(1 << 16);

function stream(api, count) {
  const hasher = api.create64();
  for (let i = 0; i < count; i++) hasher.update(chunk);
  return hasher.digest();
}

const cases = [
  ["h64Raw, 24 bytes", (api) => api.h64Raw(small)],
  ["h64Raw, 1 KiB", (api) => api.h64Raw(kilobyte)],
  ["h64Raw, 1 MiB", (api) => api.h64Raw(megabyte)],
  ["h64ToString, 38 characters", (api) => api.h64ToString(text)],
  ["stream, 16 × 64 KiB", (api) => stream(api, 16)],
];

for (const [name, run] of cases) {
  if (run(xx) !== run(reference)) throw new Error(`${name}: daft and xxhash-wasm disagree`);
}

function callsPerSecond(fn) {
  let calls = 0;
  let batch = 1;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    batch = Math.min(batch * 2, 1 << 14);
    elapsed = performance.now() - started;
  }
  return (calls * 1000) / elapsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const rows = [];
for (const [name, run] of cases) {
  // Warm-up of both.
  callsPerSecond(() => run(xx));
  callsPerSecond(() => run(reference));
  const ours = [];
  const theirs = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0;
    const a = first ? callsPerSecond(() => run(xx)) : undefined;
    const b = callsPerSecond(() => run(reference));
    const c = first ? a : callsPerSecond(() => run(xx));
    ours.push(c);
    theirs.push(b);
    ratios.push(c / b);
  }
  rows.push({
    case: name,
    "daft calls/s": Math.round(median(ours)).toLocaleString("en-US"),
    "xxhash-wasm calls/s": Math.round(median(theirs)).toLocaleString("en-US"),
    "daft / xxhash-wasm (median of rounds)": median(ratios).toFixed(3),
    "range of rounds": `${Math.min(...ratios).toFixed(2)} – ${Math.max(...ratios).toFixed(2)}`,
  });
}

console.log(`Node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms per side and case; same hashes checked`);
console.table(rows);
console.log(`instance: xxhash-wasm await xxhash() ${asyncInitMs.toFixed(2)} ms (first, incl. compile); daft's module, synchronous, ${syncInitMs.toFixed(2)} ms (incl. import)`);
