import { describe, expect, it } from "vitest";
import { MemoryCache } from "../../src/cache/memory.js";
import type { CacheEntry, NodeSignature } from "../../src/cache/types.js";

const entry = (value: unknown): CacheEntry => ({ value, outputHash: "h", createdAt: 1, durationMs: 2, nodeName: "n" });
const signature = (nodeName: string, timestamp: number): NodeSignature => ({
  nodeName,
  codeHash: "c",
  envHash: "",
  inputsHash: "i",
  depsHash: "d",
  timestamp,
});

describe("MemoryCache", () => {
  it("returns the very object stored, whatever it is (no serialisation)", () => {
    const cache = new MemoryCache();
    class Model {
      predict = () => 42;
    }
    const value = { model: new Model(), fn: () => 1, sym: Symbol("s") };
    cache.setBlob("k", entry(value));
    const hit = cache.getBlob("k");
    expect(hit?.value).toBe(value);
    expect((hit?.value as typeof value).model.predict()).toBe(42);
  });

  it("answers synchronously (plain values, not promises)", () => {
    const cache = new MemoryCache();
    expect(cache.setBlob("k", entry(1))).toBeUndefined();
    expect(cache.getBlob("k")).not.toBeInstanceOf(Promise);
    expect(cache.getMeta("n")).toBeUndefined();
  });

  it("keeps falsy values as present entries", () => {
    const cache = new MemoryCache();
    const falsy = [null, undefined, false, 0, ""];
    falsy.forEach((value, index) => cache.setBlob(`k${index}`, entry(value)));
    falsy.forEach((value, index) => {
      const hit = cache.getBlob(`k${index}`);
      expect(hit).toBeDefined();
      expect(hit!.value).toBe(value);
    });
    expect(cache.getBlob("absent")).toBeUndefined();
  });

  it("keeps one entry per key and the latest signature per node, and clears both", () => {
    const cache = new MemoryCache();
    cache.setBlob("x5", entry(10));
    cache.setBlob("x10", entry(20));
    cache.setMeta(signature("out", 1));
    cache.setMeta(signature("out", 2));
    expect(cache.size).toBe(2);
    expect(cache.getMeta("out")?.timestamp).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.getBlob("x5")).toBeUndefined();
    expect(cache.getMeta("out")).toBeUndefined();
  });

  it("keeps separate instances separate", () => {
    const a = new MemoryCache();
    const b = new MemoryCache();
    a.setBlob("k", entry(1));
    expect(b.getBlob("k")).toBeUndefined();
  });
});
