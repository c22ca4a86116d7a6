// npm run build && node bench/disk-cache-scale.mjs [entries]
//
// How does the disk cache behave with many entries? Writes N small entries (default 50,000)
// with one signature each, then times the operations whose cost grows with the cache: the
// eviction scan (the store's index), the CLI listing, a prune of 10%, flushing N signatures,
// flushing after one changed signature, reading one signature in a fresh process state, and
// clear. Baseline, measured here on the same store: a bare lmdb-js walk of the index database.
// Per-entry figures extrapolate to a million entries.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskCache } from "../dist/src/cache/index.js";
import { layoutOf } from "../dist/src/cache/disk/layout.js";
import { StoreSession } from "../dist/src/cache/disk/store-session.js";
import { hashString } from "../dist/src/hashing/xxhash.js";

const N = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), "daft-bench-scale-"));
const rows = [];
const time = (label, fn, perEntry = true) => {
  const started = performance.now();
  const result = fn();
  const ms = performance.now() - started;
  rows.push({ label, ms, perEntry });
  return result;
};

try {
  const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
  time("setBlob × N (small values), then their commit", () => {
    for (let i = 0; i < N; i++) {
      cache.setBlob(hashString(`items::${i}`), { value: { i, name: `doc-${i}` }, outputHash: "h", createdAt: Date.now(), durationMs: 1, nodeName: `items::${i}` });
    }
    StoreSession.of(layoutOf(dir).values).commit();
  });
  time("setMeta × N (in memory)", () => {
    for (let i = 0; i < N; i++) {
      cache.setMeta({ nodeName: `items::${i}`, codeHash: "c", envHash: "", inputsHash: hashString(String(i)), depsHash: "d", timestamp: Date.now(), parts: { inputs: { item: hashString(`in${i}`) } } });
    }
  });
  time("flush: N signatures into 256 shard files", () => cache.flush());
  cache.setMeta({ nodeName: "items::17", codeHash: "changed", envHash: "", inputsHash: "x", depsHash: "d", timestamp: Date.now() });
  time("flush: one changed signature", () => cache.flush(), false);
  time("getMeta, new instance (loads one shard)", () => new DiskCache({ cacheDir: dir }).getMeta("items::17"), false);

  const { store } = StoreSession.of(layoutOf(dir).values);
  const baseline = time("baseline: lmdb-js walk of the index (keys and records)", () => {
    let count = 0;
    for (const { value } of store.env(false).index.getRange()) count += value.length > 0 ? 1 : 0;
    return count;
  });
  if (baseline !== N) throw new Error(`expected ${N} entries, found ${baseline}`);
  time("eviction scan (the index, decoded)", () => store.scanIndex());
  time("entries() for the CLI", () => new DiskCache({ cacheDir: dir }).entries());
  time("stats()", () => new DiskCache({ cacheDir: dir }).stats());
  const total = store.totals().bytes;
  time("prune to 90% of the size", () => new DiskCache({ cacheDir: dir }).prune({ maxSize: total * 0.9 }));
  time("clear()", () => new DiskCache({ cacheDir: dir }).clear());

  const baselineMs = rows.find((row) => row.label.startsWith("baseline")).ms;
  console.log(`node ${process.version}; ${N.toLocaleString("en-US")} entries\n`);
  console.log("| operation | total ms | µs per entry | × baseline | ≈ seconds at 1M entries |");
  console.log("|---|---:|---:|---:|---:|");
  for (const row of rows) {
    const per = row.perEntry ? ((row.ms * 1000) / N).toFixed(1) : "—";
    const million = row.perEntry ? ((row.ms / N) * 1_000_000 / 1000).toFixed(1) : "—";
    console.log(`| ${row.label} | ${row.ms.toFixed(0)} | ${per} | ${(row.ms / baselineMs).toFixed(2)}× | ${million} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
