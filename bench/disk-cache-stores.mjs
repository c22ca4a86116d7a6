// Which embedded store should hold DiskCache values? Compares, on 100k values of ~130 bytes
// (a small entry as the runner stores it, v8-serialised):
//   - files: one file per value in 256 sharded folders, written to a temp name and renamed (what
//     DiskCache did before; the baseline every ratio is against);
//   - lmdb (lmdb-js): one write transaction for the batch, reads from the memory map;
//   - better-sqlite3 12 (when installed: `npm i --no-save better-sqlite3@12`; 13 needs Node 22);
//   - node:sqlite (Node 22.5+ only, so a reference, not a candidate: daft supports Node 20).
// For each: batched put, get of every key in this process, get of every key in a fresh process
// (module load + open + reads, timed inside the child), and the bytes on disk (allocated blocks).
//
//   npm run build && node bench/disk-cache-stores.mjs [count=100000] [rounds=3]
//
// Run it under Node 22 or 24 as well for node:sqlite. Medians of `rounds`, ratios against files.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";

const require = createRequire(import.meta.url);
const [countArg, roundsArg, childStore, childDir] = process.argv.slice(2);
const count = Number(countArg ?? 100_000);
const rounds = Number(roundsArg ?? 3);

const keyOf = (i) => (0x1000000000000000n + BigInt(i) * 2654435761n).toString(16).slice(-16);
const valueOf = (i) =>
  serialize({
    value: { id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count },
    outputHash: "0123456789abcdef",
    createdAt: 1_700_000_000_000 + i,
    durationMs: 0.01,
    nodeName: `scored::${i}`,
  });

/** Each store: open(dir) → { putAll(keys, values), get(key) → Buffer|undefined, close() }. */
const stores = {
  files: {
    available: () => true,
    open(dir) {
      const pathOf = (key) => join(dir, key.slice(0, 2), key.slice(2));
      return {
        putAll(keys, values) {
          const made = new Set();
          for (let i = 0; i < keys.length; i++) {
            const shard = keys[i].slice(0, 2);
            if (!made.has(shard)) mkdirSync(join(dir, shard), { recursive: true }), made.add(shard);
            const temp = `${pathOf(keys[i])}.tmp`;
            writeFileSync(temp, values[i]);
            renameSync(temp, pathOf(keys[i]));
          }
        },
        get(key) {
          try {
            return readFileSync(pathOf(key));
          } catch {
            return undefined;
          }
        },
        close() {},
      };
    },
  },
  lmdb: {
    available: () => tryRequire("lmdb"),
    open(dir) {
      const { open } = require("lmdb");
      const db = open({ path: dir, encoding: "binary" });
      return {
        putAll(keys, values) {
          db.transactionSync(() => {
            for (let i = 0; i < keys.length; i++) db.put(keys[i], values[i]);
          });
        },
        get: (key) => db.getBinary(key),
        close: () => db.close(),
      };
    },
  },
  "better-sqlite3": {
    available: () => tryRequire("better-sqlite3"),
    open(dir) {
      const Database = require("better-sqlite3");
      return sqliteStore(new Database(join(dir, "values.db")));
    },
  },
  "node:sqlite": {
    available: () => tryRequire("node:sqlite"),
    open(dir) {
      const { DatabaseSync } = require("node:sqlite");
      return sqliteStore(new DatabaseSync(join(dir, "values.db")));
    },
  },
};

function sqliteStore(db) {
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  db.exec("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
  const insert = db.prepare("INSERT OR REPLACE INTO v (k, v) VALUES (?, ?)");
  const select = db.prepare("SELECT v FROM v WHERE k = ?");
  return {
    putAll(keys, values) {
      db.exec("BEGIN");
      for (let i = 0; i < keys.length; i++) insert.run(keys[i], values[i]);
      db.exec("COMMIT");
    },
    get: (key) => select.get(key)?.v,
    close: () => db.close(),
  };
}

function tryRequire(name) {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of allocated blocks under `dir` (what `du` reports), not apparent sizes. */
function diskBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const stats = statSync(join(entry.parentPath, entry.name));
    total += stats.blocks * 512;
  }
  return total;
}

const keys = Array.from({ length: count }, (_, i) => keyOf(i));

// Child: open the store in a fresh process, read every key, print the milliseconds.
if (childStore) {
  const started = performance.now();
  const store = stores[childStore].open(childDir);
  let found = 0;
  for (const key of keys) if (store.get(key) !== undefined) found++;
  const ms = performance.now() - started;
  store.close();
  if (found !== count) throw new Error(`${childStore}: found ${found} of ${count}`);
  process.stdout.write(JSON.stringify({ ms }));
  process.exit(0);
}

const values = keys.map((_, i) => valueOf(i));
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const results = {};
const available = Object.keys(stores).filter((name) => stores[name].available());
for (let round = 0; round < rounds; round++) {
  // Stores interleaved within each round, so a busy moment of the machine hits all of them.
  for (const name of available) {
    const dir = mkdtempSync(join(tmpdir(), `daft-bench-store-${name.replace(/\W/g, "")}-`));
    try {
      const result = (results[name] ??= { put: [], get: [], fresh: [], bytes: [] });
      const store = stores[name].open(dir);
      let started = performance.now();
      store.putAll(keys, values);
      result.put.push(performance.now() - started);
      started = performance.now();
      let found = 0;
      for (const key of keys) {
        const bytes = store.get(key);
        if (bytes !== undefined && deserialize(bytes) !== undefined) found++;
      }
      result.get.push(performance.now() - started);
      if (found !== count) throw new Error(`${name}: found ${found} of ${count}`);
      store.close();
      result.bytes.push(diskBytes(dir));
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(count), "1", name, dir], { encoding: "utf8" });
      if (child.status !== 0) throw new Error(`${name} fresh process: ${child.stderr}`);
      result.fresh.push(JSON.parse(child.stdout).ms);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const rate = (ms) => Math.round((count / ms) * 1000).toLocaleString("en-US");
const base = results.files;
const ratio = (ms, baseMs) => `${(baseMs / ms).toFixed(1)}×`;
console.log(`node ${process.version}; ${count.toLocaleString("en-US")} values of ${values[0].length} bytes; medians of ${rounds} rounds; × = faster than files`);
console.log(`stores not installed here: ${Object.keys(stores).filter((name) => !available.includes(name)).join(", ") || "none"}\n`);
console.log("| store | batched put/s | × | get/s (same process, + v8.deserialize) | × | fresh process: open + get all | × | disk used | × smaller |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const name of available) {
  const r = results[name];
  const [put, get, fresh, bytes] = [median(r.put), median(r.get), median(r.fresh), median(r.bytes)];
  console.log(
    `| ${name} | ${rate(put)} | ${ratio(put, median(base.put))} | ${rate(get)} | ${ratio(get, median(base.get))} | ` +
      `${fresh.toFixed(0)} ms | ${ratio(fresh, median(base.fresh))} | ${(bytes / 1e6).toFixed(1)} MB | ${(median(base.bytes) / bytes).toFixed(1)}× |`,
  );
}
