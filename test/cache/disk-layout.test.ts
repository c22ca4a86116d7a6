/**
 * The on-disk layout scales: a million runner keys spread evenly over 256 shard folders, and a
 * real directory of many entries is listed, counted and cleared exactly.
 */
import { readdirSync } from "node:fs";
import { join, sep } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import { blobIdOf, blobPath, layoutOf } from "../../src/cache/disk/layout.js";
import { hashString } from "../../src/hashing/xxhash.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";

afterAll(removeTempDirs);

describe("DiskCache layout", () => {
  it("spreads a million runner keys evenly over 256 folders, one unique file each", () => {
    const layout = layoutOf("/cache");
    const perShard = new Map<string, number>();
    const names = new Set<string>();
    const prefix = join("/cache", "blobs") + sep;
    for (let i = 0; i < 1_000_000; i += 1) {
      const key = hashString(`node::item-${i}`); // what the runner's keys look like
      const path = blobPath(layout, blobIdOf(key));
      const shard = path.slice(prefix.length, prefix.length + 2);
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
      names.add(path);
    }
    for (const path of [...names].slice(0, 1000)) expect(path.slice(prefix.length)).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{14}\.bin$/);
    expect(names.size).toBe(1_000_000);
    expect(perShard.size).toBe(256);
    // ~3,906 per folder on average; xxhash keeps every folder within a few percent of it.
    expect(Math.max(...perShard.values())).toBeLessThan(4_200);
    expect(Math.min(...perShard.values())).toBeGreaterThan(3_600);
  });

  it("uses runner keys as file names as they are, and hashes any other key", () => {
    const layout = layoutOf("/cache");
    expect(blobPath(layout, blobIdOf("0123456789abcdef"))).toBe(join("/cache", "blobs", "01", "23456789abcdef.bin"));
    expect(blobIdOf("my key")).toMatch(/^[0-9a-f]{16}$/);
    expect(blobIdOf("my key")).not.toBe(blobIdOf("my key 2"));
  });

  it("stores, lists and clears ten thousand entries", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    const count = 10_000;
    for (let i = 0; i < count; i += 1) {
      cache.setBlob(hashString(`n::${i}`), { value: i, outputHash: "h", createdAt: 0, durationMs: 0, nodeName: `n::${i}` });
    }
    const shards = readdirSync(join(dir, "blobs"));
    expect(shards).toHaveLength(256);
    const files = shards.reduce((total, shard) => total + readdirSync(join(dir, "blobs", shard)).length, 0);
    expect(files).toBe(count);
    const stats = new DiskCache({ cacheDir: dir }).stats();
    expect(stats.entries).toBe(count);
    expect(stats.nodes).toEqual([expect.objectContaining({ node: "n", entries: count })]);
    expect(cache.getBlob(hashString("n::1234"))?.value).toBe(1234);
    cache.clear();
    expect(readdirSync(dir)).toEqual([]);
  });
});
