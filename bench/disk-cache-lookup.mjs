// npm run build && node bench/disk-cache-lookup.mjs
//
// What does a DiskCache lookup cost? A hit must stay in microseconds (the runner calls getBlob
// synchronously for every cached node and item). Baselines measured in this process on the same
// values: MemoryCache (no I/O at all) and the bare minimum a disk hit needs, lmdb-js getBinary +
// v8.deserialize with no header, checksum, key check or index. Also a miss (absent key), a store
// under a new key (the normal case) and a store replacing an existing entry, each with its share
// of the commit (one flush per round of calls).
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { DiskCache, MemoryCache } from "../dist/src/cache/index.js";

const ROUNDS = 5;

const { open } = createRequire(import.meta.url)("lmdb");

/** Median microseconds per call of `fn` over ROUNDS rounds of `calls` calls (then `after`), after a warm-up. */
function microsPerCall(fn, calls, after = () => {}) {
  const times = [];
  for (let round = -1; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) fn(i);
    after();
    if (round >= 0) times.push(((performance.now() - started) * 1000) / calls);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const values = {
  "small object": { id: 17, name: "doc-17", tags: ["a", "b"], score: 0.5 },
  "100 KB nested": Array.from({ length: 800 }, (_, i) => ({ id: i, name: `doc-${i}`, tags: ["x", `t${i % 9}`], score: i / 7 })),
  "8 MB Float64Array": new Float64Array(1024 * 1024).map((_, i) => i * 0.5),
};

const dir = mkdtempSync(join(tmpdir(), "daft-bench-lookup-"));
const rows = [];
try {
  for (const [label, value] of Object.entries(values)) {
    const big = value instanceof Float64Array;
    const keys = 64;
    const calls = big ? 40 : 4000;
    const entry = { value, outputHash: "0123456789abcdef", createdAt: Date.now(), durationMs: 5, nodeName: "node::item" };
    const keyOf = (i) => (0x1000000000000000n + BigInt(i % keys)).toString(16);

    const memory = new MemoryCache();
    for (let i = 0; i < keys; i++) memory.setBlob(keyOf(i), entry);
    const disk = new DiskCache({ cacheDir: join(dir, label.replace(/\W/g, "-")), maxSize: Infinity });
    for (let i = 0; i < keys; i++) disk.setBlob(keyOf(i), entry);
    disk.flush();
    const raw = open({ path: mkdtempSync(join(dir, "raw-")), encoding: "binary" });
    raw.transactionSync(() => {
      for (let i = 0; i < keys; i++) raw.putSync(keyOf(i), serialize(entry));
    });

    const memoryHit = microsPerCall((i) => memory.getBlob(keyOf(i)), calls);
    const rawHit = microsPerCall((i) => deserialize(raw.getBinary(keyOf(i))), calls);
    const diskHit = microsPerCall((i) => disk.getBlob(keyOf(i)), calls);
    const diskMiss = microsPerCall((i) => disk.getBlob(`ffff${keyOf(i).slice(4)}`), calls);
    let fresh = keys;
    const flush = () => disk.flush();
    const diskStore = microsPerCall(() => disk.setBlob(keyOf(fresh++), entry), big ? 20 : 1000, flush);
    const diskReplace = microsPerCall((i) => disk.setBlob(keyOf(i), entry), big ? 20 : 1000, flush);
    raw.close();
    rows.push({ label, memoryHit, rawHit, diskHit, diskMiss, diskStore, diskReplace });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (us) => (us >= 100 ? Math.round(us).toLocaleString("en-US") : us.toFixed(2));
console.log(`node ${process.version}; microseconds per call, median of ${ROUNDS} rounds\n`);
console.log("| value | MemoryCache hit | lmdb get+v8 | DiskCache hit | hit ÷ lmdb get+v8 | DiskCache miss | store (new key) | store (replace) |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows) {
  console.log(
    `| ${row.label} | ${f(row.memoryHit)} | ${f(row.rawHit)} | ${f(row.diskHit)} | ${(row.diskHit / row.rawHit).toFixed(2)}× | ${f(row.diskMiss)} | ${f(row.diskStore)} | ${f(row.diskReplace)} |`,
  );
}
