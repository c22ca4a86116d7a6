/**
 * The on-disk layout: one store directory whatever the number of entries, runner keys used as
 * ids as they are, and a real directory of many entries listed, counted and cleared exactly.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import { blobIdOf } from "../../src/cache/disk/layout.js";
import { hashString } from "../../src/hashing/xxhash.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";

afterAll(removeTempDirs);

describe("DiskCache layout", () => {
  it("uses runner keys as ids as they are, and hashes any other key", () => {
    expect(blobIdOf("0123456789abcdef")).toBe("0123456789abcdef");
    expect(blobIdOf("my key")).toMatch(/^[0-9a-f]{16}$/);
    expect(blobIdOf("my key")).not.toBe(blobIdOf("my key 2"));
    expect(blobIdOf("0123456789ABCDEF")).not.toBe("0123456789ABCDEF");
  });

  it("stores, lists and clears ten thousand entries in one store (three files and the lock beside them)", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    const count = 10_000;
    for (let i = 0; i < count; i += 1) {
      cache.setBlob(hashString(`n::${i}`), { value: i, outputHash: "h", createdAt: 0, durationMs: 0, nodeName: `n::${i}` });
    }
    cache.flush();
    expect(readdirSync(join(dir, "values")).sort()).toEqual(["data.mdb", "lock.mdb", "open-lock", "verified.json"]);
    const stats = new DiskCache({ cacheDir: dir }).stats();
    expect(stats.entries).toBe(count);
    expect(stats.nodes).toEqual([expect.objectContaining({ node: "n", entries: count })]);
    expect(cache.getBlob(hashString("n::1234"))?.value).toBe(1234);
    cache.clear();
    expect(readdirSync(dir)).toEqual([]);
  });
});
