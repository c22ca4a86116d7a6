/**
 * DiskCache eviction: by size and by age, least recently used first, automatic on flush, and
 * with several processes reading, writing and pruning the same directory.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import { layoutOf } from "../../src/cache/disk/layout.js";
import { HOST_TAG } from "../../src/fs/temp-name.js";
import { StoreSession } from "../../src/cache/disk/store-session.js";
import type { CacheEntry } from "../../src/cache/types.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { rawValue, setLastUse } from "../helpers/disk-cache/store.js";
// @ts-expect-error plain .mjs shared with the child scripts
import { entryOf, keyOf, ownValue, sharedValue } from "../helpers/disk-cache/values.mjs";

afterAll(removeTempDirs);

const HOUR = 3_600_000;
const script = (name: string) => join(repoRoot, "test", "helpers", "disk-cache", name);
const sizeOf = (dir: string, key: string) => rawValue(dir, key)!.length;
const entry = (value: unknown, nodeName: string): CacheEntry => ({ value, outputHash: "h", createdAt: Date.now(), durationMs: 1, nodeName });
const numbered = (i: number) => `0000000000000${i.toString(16).padStart(3, "0")}`;

/** Pretends an entry was last used `ago` ms ago (what the passing of time would do). */
function lastUsed(dir: string, key: string, ago: number): void {
  setLastUse(dir, key, Date.now() - ago);
}

/** Ten same-sized entries, entry i last used (20 - i) hours ago: 0 is the least recently used. */
function tenEntries(): { dir: string; size: number } {
  const dir = makeTempDir();
  const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
  for (let i = 0; i < 10; i += 1) cache.setBlob(numbered(i), entry("x".repeat(1000), `n::${i}`));
  cache.flush();
  for (let i = 0; i < 10; i += 1) lastUsed(dir, numbered(i), (20 - i) * HOUR);
  return { dir, size: sizeOf(dir, numbered(0)) };
}

describe("DiskCache.prune", () => {
  it("removes the least recently used first, counting hits as uses", () => {
    const { dir, size } = tenEntries();
    const reader = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    expect(reader.getBlob(numbered(0))).toBeDefined();
    expect(reader.getBlob(numbered(1))).toBeDefined();
    reader.flush(); // the two hits become the most recent uses
    const result = new DiskCache({ cacheDir: dir }).prune({ maxSize: 5 * size });
    expect(result.removed.map((removed) => removed.key)).toEqual([2, 3, 4, 5, 6].map(numbered));
    expect(result.removed.map((removed) => removed.nodeName)).toEqual(["n::2", "n::3", "n::4", "n::5", "n::6"]);
    expect(result.removedBytes).toBe(5 * size);
    expect(result.remainingEntries).toBe(5);
    expect(result.remainingBytes).toBe(5 * size);
    const after = new DiskCache({ cacheDir: dir });
    for (const i of [0, 1, 7, 8, 9]) expect(after.getBlob(numbered(i)), `kept ${i}`).toBeDefined();
    for (const i of [2, 3, 4, 5, 6]) expect(after.getBlob(numbered(i)), `removed ${i}`).toBeUndefined();
  });

  it("removes entries unused for longer than maxAge, and old signatures with them", () => {
    const { dir } = tenEntries();
    const cache = new DiskCache({ cacheDir: dir });
    cache.setMeta({ nodeName: "old", codeHash: "c", envHash: "", inputsHash: "i", depsHash: "d", timestamp: Date.now() - 30 * HOUR });
    cache.setMeta({ nodeName: "recent", codeHash: "c", envHash: "", inputsHash: "i", depsHash: "d", timestamp: Date.now() });
    cache.flush();
    // Entries 0..4 were last used 20..16 hours ago, 5..9 15..11 hours ago.
    const result = cache.prune({ maxAge: 15.5 * HOUR });
    expect(result.removed.map((removed) => removed.key)).toEqual([0, 1, 2, 3, 4].map(numbered));
    const after = new DiskCache({ cacheDir: dir });
    expect(after.entries().map((stored) => stored.key)).toEqual([5, 6, 7, 8, 9].map(numbered));
    expect(after.getMeta("old")).toBeUndefined();
    expect(after.getMeta("recent")).toBeDefined();
  });

  it("uses the cache's own limits by default and removes temp files of dead writers", async () => {
    const { dir, size } = tenEntries();
    // A temp file left by a process that no longer exists.
    const { stdout } = await runNode(["-e", "process.stdout.write(String(process.pid))"]);
    mkdirSync(layoutOf(dir).meta, { recursive: true });
    const stale = join(layoutOf(dir).meta, `.s0a.3.json.${HOST_TAG}-${stdout}-0-1.tmp`);
    writeFileSync(stale, "half a document");
    const cache = new DiskCache({ cacheDir: dir, maxSize: 3 * size, maxAge: 100 * HOUR });
    const result = cache.prune();
    expect(result.removed.map((removed) => removed.key)).toEqual([0, 1, 2, 3, 4, 5, 6].map(numbered));
    expect(existsSync(stale)).toBe(false);
  });
});

describe("DiskCache automatic eviction", () => {
  it("evicts on flush once the stored total crosses maxSize, down to 90%, oldest first", () => {
    const { dir, size } = tenEntries();
    const cache = new DiskCache({ cacheDir: dir, maxSize: 8 * size });
    // Lookups never evict, even over the limit; the hits make 0..3 recently used.
    for (let i = 0; i < 4; i += 1) expect(cache.getBlob(numbered(i))).toBeDefined();
    cache.setBlob(numbered(10), entry("x".repeat(1000), "n::a"));
    cache.flush();
    // 11 entries, limit 8, low-water mark 7.2 entries: the 4 least recently used go, which are
    // the oldest entries nobody hit.
    const evicted = cache.lastFlush?.evicted;
    expect(evicted?.remainingBytes).toBeLessThanOrEqual(0.9 * 8 * size);
    expect(evicted?.removed.map((removed) => removed.key)).toEqual([4, 5, 6, 7].map(numbered));
    expect(new DiskCache({ cacheDir: dir }).entries()).toHaveLength(7);
  });

  it("does not scan again while the total stays under maxSize", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir, maxSize: 1024 * 1024 });
    cache.setBlob(numbered(1), entry("a", "n::1"));
    cache.flush(); // first flush in a new directory: measures once
    expect(cache.lastFlush?.evicted).toBeDefined();
    cache.setBlob(numbered(2), entry("b", "n::2"));
    cache.flush();
    expect(cache.lastFlush?.evicted).toBeUndefined();
    cache.getBlob(numbered(1));
    cache.flush();
    expect(cache.lastFlush?.evicted).toBeUndefined();
  });

  it("keeps exact totals: a replaced entry counts once, a removed one not at all", () => {
    const { dir, size } = tenEntries();
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    for (let i = 0; i < 5; i += 1) cache.setBlob(numbered(i), entry("y".repeat(1000), `n::${i}`));
    cache.flush();
    cache.prune({ maxSize: 7 * size });
    const totals = StoreSession.of(layoutOf(dir).values).store.totals();
    const listed = cache.entries();
    expect(totals.entries).toBe(listed.length);
    expect(totals.bytes).toBe(listed.reduce((sum, stored) => sum + stored.bytes, 0));
    expect(listed).toHaveLength(7);
  });

  it("evicts by age on flush when a rescan is due", () => {
    const { dir } = tenEntries();
    const cache = new DiskCache({ cacheDir: dir, maxAge: 15.5 * HOUR });
    cache.setBlob(numbered(10), entry("new", "n::new"));
    cache.flush();
    expect(cache.lastFlush?.evicted?.removed.map((removed) => removed.key)).toEqual([0, 1, 2, 3, 4].map(numbered));
  });
});

describe("DiskCache eviction with several processes", () => {
  it("keeps what other processes used: their hits count, least recently used go first", async () => {
    const dir = makeTempDir();
    const writer = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    for (let i = 0; i < 20; i += 1) writer.setBlob(keyOf("a", i), entryOf(sharedValue(i), `shared::${i}`));
    writer.flush();
    for (let i = 0; i < 20; i += 1) lastUsed(dir, keyOf("a", i), (30 - i) * HOUR);
    // Two processes use the five oldest entries at once.
    await Promise.all([runNode([script("reader.mjs"), dir, "0", "1", "2"]), runNode([script("reader.mjs"), dir, "3", "4"])]);

    const order = [...Array.from({ length: 15 }, (_, i) => i + 5), 0, 1, 2, 3, 4];
    const sizes = new Map(order.map((i) => [i, sizeOf(dir, keyOf("a", i))]));
    const maxSize = [...sizes.values()].reduce((a, b) => a + b, 0) / 2;
    const expected: number[] = [];
    let total = [...sizes.values()].reduce((a, b) => a + b, 0);
    for (const i of order) {
      if (total <= maxSize) break;
      expected.push(i);
      total -= sizes.get(i)!;
    }
    const result = new DiskCache({ cacheDir: dir }).prune({ maxSize });
    expect(result.removed.map((removed) => removed.key)).toEqual(expected.map((i) => keyOf("a", i)));
    for (const i of [0, 1, 2, 3, 4]) expect(new DiskCache({ cacheDir: dir }).getBlob(keyOf("a", i)), `used entry ${i}`).toBeDefined();
  });

  it("lets several processes prune at once: each entry removed exactly once, the LRU ones", async () => {
    const { dir, size } = tenEntries();
    const go = join(makeTempDir(), "go"); // start signal for the children
    const pruners = [0, 1, 2].map(() => runNode([script("prune.mjs"), dir, String(4 * size), go]));
    writeFileSync(go, "");
    const removed = (await Promise.all(pruners)).flatMap((result) => JSON.parse(result.stdout) as string[]);
    expect(removed.sort()).toEqual([0, 1, 2, 3, 4, 5].map(numbered));
    expect(new DiskCache({ cacheDir: dir }).entries().map((stored) => stored.key)).toEqual([6, 7, 8, 9].map(numbered));
  });

  it("gives a reader racing an evictor a miss or the whole value, never garbage", async () => {
    const dir = makeTempDir();
    const go = join(makeTempDir(), "go"); // start signal for the children
    const evictor = runNode([script("evict-loop.mjs"), dir, "2500", go]);
    const reader = runNode([script("write-read-loop.mjs"), dir, "2500", go]);
    writeFileSync(go, "");
    const [evicted, read] = await Promise.all([evictor, reader]);
    const { removed } = JSON.parse(evicted.stdout) as { removed: number };
    const { hits, misses } = JSON.parse(read.stdout) as { hits: number; misses: number };
    // The loops really raced: entries were evicted under the reader, which saw both outcomes.
    expect(removed).toBeGreaterThan(0);
    expect(hits).toBeGreaterThan(0);
    expect(misses).toBeGreaterThan(0);
  });

  it("keeps a directory written by four limited processes within maxSize, every entry intact", async () => {
    const dir = makeTempDir();
    const go = join(makeTempDir(), "go"); // start signal for the children
    const maxSize = 120_000;
    const writers = [0, 1, 2, 3].map((worker) => runNode([script("concurrent-writer.mjs"), dir, String(worker), "40", "60", go, String(maxSize)]));
    writeFileSync(go, "");
    const results = (await Promise.all(writers)).map((result) => JSON.parse(result.stdout) as { evicted: number });
    expect(results.reduce((sum, result) => sum + result.evicted, 0)).toBeGreaterThan(0);

    const cache = new DiskCache({ cacheDir: dir, maxSize });
    for (const stored of cache.entries()) {
      const hit = cache.getBlob(stored.key);
      const [kind, worker, index] = stored.nodeName!.startsWith("shared::")
        ? ["shared", 0, Number(stored.nodeName!.slice(8))]
        : ["own", Number(stored.nodeName!.slice(3, 4)), Number(stored.nodeName!.split("::")[1])];
      const expected = kind === "shared" ? sharedValue(index) : ownValue(worker, index);
      expect(hit && isDeepStrictEqual(hit.value, expected), stored.nodeName).toBe(true);
    }
    // The totals are exact and every flush that writes evicts past the limit: the directory is within it.
    expect(cache.stats().bytes).toBeLessThanOrEqual(maxSize);
    cache.setBlob(numbered(1), entry("last", "last"));
    cache.flush();
    expect(cache.stats().bytes).toBeLessThanOrEqual(maxSize);
  });
});
