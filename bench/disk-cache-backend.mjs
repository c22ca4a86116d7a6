// Is the DiskCache backend the bottleneck of a mapped node? Its protocol calls alone, on 100k
// small entries as the runner stores them, against baselines run in this process on the same
// entries: MemoryCache (no I/O) and the floor of the store, lmdb-js itself (v8.serialize +
// putSync in one transaction; getBinary + v8.deserialize), with no checks, index or totals.
//
//   npm run build && node bench/disk-cache-backend.mjs [count=100000] [rounds=3]
//
// Rows: setBlob ×N then flush (the miss path: check, serialise, batch, commit), setMany (one
// batch), getBlob ×N and getMany (the hit path, same process), getMany in a fresh process
// (module load, open, reads; timed inside the child), and the disk used (allocated blocks).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import { DiskCache, MemoryCache } from "../dist/src/cache/index.js";
import { hashString } from "../dist/src/hashing/xxhash.js";

const require = createRequire(import.meta.url);
const [countArg, roundsArg, childDir] = process.argv.slice(2);
const count = Number(countArg ?? 100_000);
const rounds = Number(roundsArg ?? 3);
const keys = Array.from({ length: count }, (_, i) => hashString(`scored::doc-${i}`));

if (childDir) {
  const started = performance.now();
  const hits = new DiskCache({ cacheDir: childDir, flushOnExit: false }).getMany(keys).filter((entry) => entry !== undefined).length;
  const ms = performance.now() - started;
  if (hits !== count) throw new Error(`fresh process: ${hits} hits of ${count}`);
  process.stdout.write(JSON.stringify({ ms }));
  process.exit(0);
}

const entries = keys.map((_, i) => ({
  value: { id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count },
  outputHash: hashString(`out-${i}`),
  createdAt: Date.now(),
  durationMs: 0.01,
  nodeName: `scored::doc-${i}`,
}));
const writes = keys.map((key, i) => ({ key, entry: entries[i] }));

function diskBytes(dir) {
  let total = 0;
  for (const item of readdirSync(dir, { recursive: true, withFileTypes: true })) total += statSync(join(item.parentPath, item.name)).blocks * 512;
  return total;
}

const time = (fn) => {
  const started = performance.now();
  fn();
  return performance.now() - started;
};

const results = {};
const add = (name, ms) => (results[name] ??= []).push(ms);
const dirs = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "daft-bench-backend-"));
  dirs.push(dir);
  return dir;
};

try {
  for (let round = 0; round < rounds; round++) {
    // Floor: lmdb-js alone.
    {
      const { open } = require("lmdb");
      const db = open({ path: tempDir(), encoding: "binary", overlappingSync: false, noMetaSync: true });
      add("floor: lmdb put", time(() => db.transactionSync(() => entries.forEach((entry, i) => db.putSync(keys[i], serialize(entry))))));
      add("floor: lmdb get", time(() => keys.forEach((key) => deserialize(db.getBinary(key)))));
      db.close();
    }
    // MemoryCache.
    {
      const memory = new MemoryCache();
      add("MemoryCache setBlob", time(() => writes.forEach(({ key, entry }) => memory.setBlob(key, entry))));
      add("MemoryCache getBlob", time(() => keys.forEach((key) => memory.getBlob(key))));
    }
    // DiskCache.
    {
      const dir = tempDir();
      const cache = new DiskCache({ cacheDir: dir, flushOnExit: false });
      add("DiskCache setBlob + flush", time(() => {
        writes.forEach(({ key, entry }) => cache.setBlob(key, entry));
        cache.flush();
      }));
      add("DiskCache getBlob", time(() => keys.forEach((key) => cache.getBlob(key))));
      add("DiskCache getMany", time(() => cache.getMany(keys)));
      add("disk used (MB)", diskBytes(dir) / 1e6);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(count), "1", dir], { encoding: "utf8" });
      if (child.status !== 0) throw new Error(child.stderr);
      add("DiskCache getMany, fresh process", JSON.parse(child.stdout).ms);
      const other = new DiskCache({ cacheDir: tempDir(), flushOnExit: false });
      add("DiskCache setMany", time(() => other.setMany(writes)));
    }
  }
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const rate = (ms) => Math.round((count / ms) * 1000);
const m = Object.fromEntries(Object.entries(results).map(([name, list]) => [name, median(list)]));
console.log(`node ${process.version}; ${count.toLocaleString("en-US")} small entries; medians of ${rounds} rounds\n`);
console.log("| operation | items/s | ms | × the lmdb floor |");
console.log("|---|---:|---:|---:|");
const row = (name, floor) =>
  console.log(`| ${name} | ${rate(m[name]).toLocaleString("en-US")} | ${m[name].toFixed(0)} | ${floor ? `${(m[name] / m[floor]).toFixed(2)}×` : ""} |`);
row("floor: lmdb put");
row("DiskCache setBlob + flush", "floor: lmdb put");
row("DiskCache setMany", "floor: lmdb put");
row("MemoryCache setBlob");
row("floor: lmdb get");
row("DiskCache getBlob", "floor: lmdb get");
row("DiskCache getMany", "floor: lmdb get");
row("DiskCache getMany, fresh process", "floor: lmdb get");
row("MemoryCache getBlob");
console.log(`\ndisk used by ${count.toLocaleString("en-US")} entries: ${m["disk used (MB)"].toFixed(1)} MB`);
