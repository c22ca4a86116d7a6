// npm run build && node bench/disk-cache-access-time.mjs
//
// What does recording hits as uses (for least-recently-used eviction) cost? A hit reads the
// entry's index record (its last use) beside its value; a use older than a minute is kept in
// memory and written with the next commit (the runner's flush), all in one transaction.
// Baseline, in this process on the same entries: hits on entries used within the minute, which
// record nothing. Variants run interleaved, round after round; medians.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskCache } from "../dist/src/cache/index.js";
import { layoutOf } from "../dist/src/cache/disk/layout.js";
import { StoreSession } from "../dist/src/cache/disk/store-session.js";
import { decodeIndex, encodeIndex } from "../dist/src/cache/disk/value-record.js";

const ENTRIES = 20_000;
const ROUNDS = 7;
const dir = mkdtempSync(join(tmpdir(), "daft-bench-access-"));
const keyOf = (i) => (0x1000000000000000n + BigInt(i) * 7919n).toString(16);

/** Every entry last used an hour ago, so each hit is a use worth recording. */
function makeOld() {
  const { store } = StoreSession.of(layoutOf(dir).values);
  const env = store.env(true);
  const hourAgo = Date.now() - 3_600_000;
  env.root.transactionSync(() => {
    for (let i = 0; i < ENTRIES; i++) env.index.putSync(keyOf(i), encodeIndex({ ...decodeIndex(env.index.getBinaryFast(keyOf(i))), lastAccess: hourAgo }));
  });
}

const perHit = (started) => ((performance.now() - started) * 1000) / ENTRIES;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

try {
  const writer = new DiskCache({ cacheDir: dir, maxSize: Infinity });
  for (let i = 0; i < ENTRIES; i++) writer.setBlob(keyOf(i), { value: { i, name: `doc-${i}` }, outputHash: "h", createdAt: 0, durationMs: 0 });
  writer.flush();
  const variants = {
    recent() {
      const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
      const started = performance.now();
      for (let i = 0; i < ENTRIES; i++) cache.getBlob(keyOf(i));
      cache.flush();
      return perHit(started);
    },
    old() {
      makeOld();
      const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
      const started = performance.now();
      for (let i = 0; i < ENTRIES; i++) cache.getBlob(keyOf(i));
      cache.flush();
      return perHit(started);
    },
  };
  const times = { recent: [], old: [] };
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const micros = run();
      if (round >= 0) times[name].push(micros);
    }
  }
  const recent = median(times.recent);
  const old = median(times.old);
  console.log(`node ${process.version}; ${ENTRIES} small entries; µs per hit including the flush, median of ${ROUNDS} rounds\n`);
  console.log("| hits on entries | µs per hit | × baseline |");
  console.log("|---|---:|---:|");
  console.log(`| used within the minute: nothing recorded (baseline) | ${recent.toFixed(2)} | 1.00× |`);
  console.log(`| last used an hour ago: each use written at flush | ${old.toFixed(2)} | ${(old / recent).toFixed(2)}× |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
