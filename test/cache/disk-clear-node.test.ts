/**
 * DiskCache.clearNode: one node's results and signatures, committed or still pending in this
 * process, and nothing of any other node (names sharing a prefix, entries stored without one).
 */
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import type { CacheEntry, NodeSignature } from "../../src/cache/types.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { storedEntries, storedTotals } from "../helpers/disk-cache/store.js";

afterAll(removeTempDirs);

const entry = (value: unknown, nodeName?: string): CacheEntry => ({ value, outputHash: "h", createdAt: Date.now(), durationMs: 1, ...(nodeName ? { nodeName } : {}) });
const signature = (nodeName: string): NodeSignature => ({ nodeName, codeHash: "c", envHash: "", inputsHash: `i-${nodeName}`, depsHash: "d", timestamp: Date.now() });
const key = (i: number) => `00000000000000${i.toString(16).padStart(2, "0")}`;

describe("DiskCache.clearNode", () => {
  it("removes the node's committed and pending results and signatures, and nothing else", () => {
    const dir = makeTempDir();
    const writer = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    const names = ["scores::a", "scores::b", "score", "scores-2", "total"];
    names.forEach((name, i) => {
      writer.setBlob(key(i), entry(`value ${i}`, name));
      writer.setMeta(signature(name));
    });
    writer.setBlob("a key of the user's own", entry("no node"));
    writer.flush();
    // Stored by this process and not committed yet: cleared with the rest.
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    cache.setBlob(key(9), entry("pending", "scores::c"));
    cache.setMeta(signature("scores::c"));

    const result = cache.clearNode("scores");
    expect(result.removedEntries).toBe(3);
    expect(result.removedSignatures).toBe(3);
    expect(storedEntries(dir).map((stored) => stored.nodeName ?? "(none)").sort()).toEqual(["(none)", "score", "scores-2", "total"]);
    const totals = storedTotals(dir);
    expect(totals.entries).toBe(4);
    expect(totals.bytes).toBe(storedEntries(dir).reduce((sum, stored) => sum + stored.bytes, 0));

    cache.flush(); // nothing of the node is left to write
    const reader = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    for (const i of [0, 1, 9]) expect(reader.getBlob(key(i)), `entry ${i}`).toBeUndefined();
    for (const i of [2, 3, 4]) expect(reader.getBlob(key(i))?.value).toBe(`value ${i}`);
    expect(reader.getBlob("a key of the user's own")?.value).toBe("no node");
    expect(reader.signatures().map((stored) => stored.nodeName)).toEqual(["score", "scores-2", "total"]);

    expect(reader.clearNode("scores")).toEqual({ removedEntries: 0, removedBytes: 0, removedSignatures: 0 });
    expect(reader.clearNode("total::x")).toEqual({ removedEntries: 0, removedBytes: 0, removedSignatures: 0 });
    expect(() => reader.clearNode("")).toThrow(TypeError);
  });

  it("clears one item by output::itemKey, and creates nothing where there is no cache", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    cache.setBlob(key(1), entry(1, "scores::a"));
    cache.setBlob(key(2), entry(2, "scores::b"));
    cache.flush();
    expect(cache.clearNode("scores::a")).toMatchObject({ removedEntries: 1, removedSignatures: 0 });
    expect(storedEntries(dir).map((stored) => stored.nodeName)).toEqual(["scores::b"]);

    const empty = makeTempDir();
    expect(new DiskCache({ cacheDir: `${empty}/.cache` }).clearNode("scores")).toEqual({ removedEntries: 0, removedBytes: 0, removedSignatures: 0 });
    expect(existsSync(`${empty}/.cache`)).toBe(false);
  });
});
