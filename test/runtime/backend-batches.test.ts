/**
 * Bulk lookups: on a backend that offers `getMany`, the items of a mapped node are looked up in
 * one call (one round trip for a network backend) instead of one `getBlob` per item.
 */
import { describe, expect, it } from "vitest";
import { func, MemoryCache, Pipeline, Runner, type CacheBackend, type CacheEntry, type NodeSignature } from "../../src/index.js";

/** A user backend over a network-like store: every method is asynchronous; it counts its calls. */
class CountingBackend implements CacheBackend {
  readonly store = new MemoryCache();
  calls = { getBlob: 0, getMany: 0, setBlob: 0 };
  failGetMany = false;

  async getMeta(nodeName: string): Promise<NodeSignature | undefined> {
    return this.store.getMeta(nodeName);
  }
  async setMeta(signature: NodeSignature): Promise<void> {
    this.store.setMeta(signature);
  }
  async getBlob(key: string): Promise<CacheEntry | undefined> {
    this.calls.getBlob++;
    return this.store.getBlob(key);
  }
  async setBlob(key: string, entry: CacheEntry): Promise<void> {
    this.calls.setBlob++;
    this.store.setBlob(key, entry);
  }
  async getMany(keys: readonly string[]): Promise<(CacheEntry | undefined)[]> {
    this.calls.getMany++;
    if (this.failGetMany) throw new Error("connection reset");
    return keys.map((key) => this.store.getBlob(key));
  }
  clear(): void {
    this.store.clear();
  }
}

function setup() {
  const backend = new CountingBackend();
  const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } });
  let computed = 0;
  const upper = func({ output: "upper", mapAxis: "word", cache: true }, async ({ word }: { word: string }) => {
    computed++;
    return word.toUpperCase();
  });
  const count = func({ output: "count", cache: true }, ({ upper: words }: { upper: string[] }) => words.length);
  return { backend, runner, pipeline: new Pipeline({ functions: [upper, count] }), computed: () => computed };
}

describe("getMany", () => {
  it("looks up every item of a mapped node in one call, and stores misses one by one", async () => {
    const { backend, runner, pipeline, computed } = setup();
    await runner.run(pipeline, { word: ["a", "b", "c"] });
    expect(backend.calls).toEqual({ getMany: 1, getBlob: 1, setBlob: 4 }); // the unmapped node uses getBlob

    backend.calls = { getBlob: 0, getMany: 0, setBlob: 0 };
    const out = await runner.run(pipeline, { word: ["a", "d", "b", "c"] });
    expect(out.upper).toEqual(["A", "D", "B", "C"]);
    expect(backend.calls).toEqual({ getMany: 1, getBlob: 1, setBlob: 2 });
    expect(computed()).toBe(4);
    const events = runner.stats.events.filter((event) => event.output === "upper");
    expect(events.filter((event) => event.status === "miss").map((event) => event.item)).toEqual([1]);
    expect(events.filter((event) => event.status === "hit").map((event) => event.item)).toEqual([0, 2, 3]);
  });

  it("computes every item, with one warning, when getMany fails", async () => {
    const { backend, runner, pipeline, computed } = setup();
    await runner.run(pipeline, { word: ["a", "b"] });
    backend.failGetMany = true;
    const warnings: string[] = [];
    const listen = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listen);
    try {
      const out = await runner.run(pipeline, { word: ["a", "b"] });
      expect(out.upper).toEqual(["A", "B"]);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", listen);
    }
    expect(computed()).toBe(4);
    expect(warnings.filter((message) => message.includes('node "upper": cache lookup failed, computing instead: connection reset'))).toHaveLength(1);
  });
});
