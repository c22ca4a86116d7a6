// npm run build && node bench/disk-cache-access-time.mjs
//
// Eviction is least recently used first, so a hit must count as a use. Two ways to record it:
// touch the file (utimesSync) on every hit, or note the hit in memory and touch each used file
// once at flush (what DiskCache does, skipping files already used within the last minute).
// Measured in this process on the same 2,000 small entries: a plain hit with no recording at
// all (the baseline), a hit plus utimesSync, and DiskCache's hit plus its flush, per hit.
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskCache } from "../dist/src/cache/index.js";
import { blobIdOf, blobPath, layoutOf } from "../dist/src/cache/disk/layout.js";

const ENTRIES = 2000;
const ROUNDS = 11;
const dir = mkdtempSync(join(tmpdir(), "daft-bench-access-"));
const keyOf = (i) => (0x1000000000000000n + BigInt(i)).toString(16);
const pathOf = (i) => blobPath(layoutOf(dir), blobIdOf(keyOf(i)));
const makeOld = () => {
  // Last used an hour ago, so every hit is a use worth recording.
  const hourAgo = (Date.now() - 3_600_000) / 1000;
  for (let i = 0; i < ENTRIES; i++) utimesSync(pathOf(i), hourAgo, hourAgo);
};

/**
 * Median µs per hit of each variant. Variants run interleaved, round after round, so a busy
 * moment of the machine affects all of them alike. A variant returns its own timing.
 */
function compare(variants) {
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(variants)) {
      makeOld();
      const micros = run();
      if (round >= 0) times[name].push(micros);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]]));
}

const perHit = (started) => ((performance.now() - started) * 1000) / ENTRIES;

try {
  const writer = new DiskCache({ cacheDir: dir, maxSize: Infinity });
  for (let i = 0; i < ENTRIES; i++) writer.setBlob(keyOf(i), { value: { i, name: `doc-${i}` }, outputHash: "h", createdAt: 0, durationMs: 0 });

  const results = compare({
    baseline() {
      const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity, flushOnExit: false });
      const started = performance.now();
      for (let i = 0; i < ENTRIES; i++) cache.getBlob(keyOf(i));
      return perHit(started); // uses recorded in memory but never written
    },
    touchEveryHit() {
      const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity, flushOnExit: false });
      const started = performance.now();
      for (let i = 0; i < ENTRIES; i++) {
        cache.getBlob(keyOf(i));
        const now = Date.now() / 1000;
        utimesSync(pathOf(i), now, now);
      }
      return perHit(started);
    },
    batched() {
      const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
      const started = performance.now();
      for (let i = 0; i < ENTRIES; i++) cache.getBlob(keyOf(i));
      cache.flush();
      return perHit(started);
    },
    batchedRerun() {
      // A run right after another: the files were used within the minute, nothing to touch.
      const first = new DiskCache({ cacheDir: dir, maxSize: Infinity });
      for (let i = 0; i < ENTRIES; i++) first.getBlob(keyOf(i));
      first.flush();
      const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
      const started = performance.now();
      for (let i = 0; i < ENTRIES; i++) cache.getBlob(keyOf(i));
      cache.flush();
      return perHit(started);
    },
  });
  const { baseline, touchEveryHit, batched, batchedRerun } = results;

  const f = (us) => us.toFixed(2);
  console.log(`node ${process.version}; ${ENTRIES} small entries last used an hour ago; µs per hit, median of ${ROUNDS} rounds\n`);
  console.log("| how a hit is recorded | µs per hit | × baseline |");
  console.log("|---|---:|---:|");
  const row = (label, us) => console.log(`| ${label} | ${f(us)} | ${(us / baseline).toFixed(2)}× |`);
  row("hit only, use not written (baseline)", baseline);
  row("utimesSync on every hit", touchEveryHit);
  row("in memory, touched once at flush (DiskCache), flush included", batched);
  row("DiskCache, rerun within a minute (nothing to touch), flush included", batchedRerun);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
