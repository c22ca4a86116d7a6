/**
 * Bulk lookups: on a backend that offers `getMany`, the items of a mapped node are looked up in
 * one call (one round trip for a network backend) instead of one `getBlob` per item.
 */
import { describe, expect, it, vi } from "vitest";
import { func, MemoryCache, Pipeline, Runner, type BlobWrite, type CacheBackend, type CacheEntry, type NodeSignature, type RunEvent } from "../../src/index.js";

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

/** A user backend with `setMany`: synchronous or not, it records each batch it is given. */
class BatchingBackend implements CacheBackend {
  readonly store = new MemoryCache();
  readonly batches: string[][] = [];
  setBlobs = 0;
  /** Entries whose value is this string are refused, as a backend refuses what it cannot keep. */
  refuse: string | undefined;

  constructor(private readonly asynchronous: boolean) {}

  getMeta(nodeName: string) {
    return this.answer(this.store.getMeta(nodeName));
  }
  setMeta(signature: NodeSignature) {
    return this.answer(this.store.setMeta(signature));
  }
  getBlob(key: string) {
    return this.answer(this.store.getBlob(key));
  }
  setBlob(key: string, entry: CacheEntry) {
    this.setBlobs++;
    return this.answer(this.store.setBlob(key, entry));
  }
  setMany(writes: readonly BlobWrite[]) {
    this.batches.push(writes.map((write) => write.entry.nodeName!));
    const errors = writes.map(({ key, entry }) => {
      if (entry.value === this.refuse) return new Error(`cannot keep ${String(entry.value)}`);
      this.store.setBlob(key, entry);
      return undefined;
    });
    return this.answer(errors.some(Boolean) ? errors : undefined);
  }
  clear(): void {
    this.store.clear();
  }
  private answer<T>(value: T): T | Promise<T> {
    return this.asynchronous ? Promise.resolve(value) : value;
  }
}

describe("setMany", () => {
  // Items named by their `id`, so their cache keys read `upper::w0`, `upper::w1`…
  const wordsOf = (...ids: string[]) => ids.map((id) => ({ id }));
  const words = wordsOf(...Array.from({ length: 2500 }, (_, i) => `w${i}`));
  const pipelineOf = (fn: (input: { word: { id: string } }) => unknown) => {
    const upper = func({ output: "upper", mapAxis: "word", cache: true }, fn);
    const count = func({ output: "count", cache: true }, ({ upper: list }: { upper: unknown[] }) => list.length);
    return new Pipeline({ functions: [upper, count] });
  };

  for (const asynchronous of [false, true]) {
    it(`stores a mapped node's misses in batches (${asynchronous ? "asynchronous" : "synchronous"} backend), with the same results and stats as one by one`, async () => {
      const backend = new BatchingBackend(asynchronous);
      const pipeline = pipelineOf(({ word }) => word.id.toUpperCase());
      const events: RunEvent[] = [];
      const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false }, onEvent: (event) => events.push(event) });
      const out = await runner.run(pipeline, { word: words });

      const reference = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });
      const expected = await reference.run(pipeline, { word: words });
      expect(out).toEqual(expected);
      // Every item of the mapped node went through setMany, in batches, each item once; the unmapped node used setBlob.
      expect(backend.batches.length).toBeGreaterThan(1);
      expect(backend.batches.flat().sort()).toEqual(words.map((word) => `upper::${word.id}`).sort());
      expect(backend.setBlobs).toBe(1);
      const strip = ({ durationMs, ...rest }: RunEvent) => rest;
      expect(runner.stats.events.map(strip)).toEqual(reference.stats.events.map(strip));
      expect(events.filter((event) => event.output === "upper").map(strip)).toEqual(reference.stats.events.filter((event) => event.output === "upper").map(strip));
      expect(runner.stats).toMatchObject({ misses: 2501, notStored: 0 });

      // Stored for real: the next run hits every item, and explains nothing as missing.
      const again = await runner.run(pipeline, { word: words });
      expect(again).toEqual(expected);
      expect(runner.stats).toMatchObject({ hits: 2501, misses: 0 });
    });
  }

  it("reports an entry setMany refused as not stored, with the backend's reason, and stores the others", async () => {
    const backend = new BatchingBackend(true);
    backend.refuse = "W1";
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } });
    await runner.run(pipelineOf(({ word }) => word.id.toUpperCase()), { word: wordsOf("w0", "w1", "w2") });
    const upper = runner.stats.events.filter((event) => event.output === "upper");
    expect(upper.map((event) => [event.item, event.stored, event.notStoredReason])).toEqual([
      [0, true, undefined],
      [1, false, "cannot keep W1"],
      [2, true, undefined],
    ]);
    expect(runner.stats.notStored).toBe(1);
    await runner.run(pipelineOf(({ word }) => word.id.toUpperCase()), { word: wordsOf("w0", "w1", "w2") });
    // A node's events come in the order its calls finished: hits at once, misses once stored.
    const statuses = runner.stats.events.filter((event) => event.output === "upper").map((event) => [event.item, event.status]);
    expect(statuses.sort()).toEqual([
      [0, "hit"],
      [1, "miss"],
      [2, "hit"],
    ]);
  });

  it("stores what finished when an item fails", async () => {
    const backend = new BatchingBackend(false);
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } });
    const failing = pipelineOf(({ word }) => {
      if (word.id === "w3") throw new Error("bad word");
      return word.id.toUpperCase();
    });
    await expect(runner.run(failing, { word: wordsOf("w0", "w1", "w2", "w3") })).rejects.toThrow(/bad word/);
    expect(backend.batches.flat()).toEqual(["upper::w0", "upper::w1", "upper::w2"]);
    expect(runner.stats.events.map((event) => [event.item, event.status, event.stored])).toEqual([
      [0, "miss", true],
      [1, "miss", true],
      [2, "miss", true],
    ]);
  });

  it("sends a miss's event soon after it is stored while slower items still run", async () => {
    const backend = new BatchingBackend(false);
    const release = new Map<string, () => void>();
    const pipeline = pipelineOf(({ word }) => new Promise((resolve) => release.set(word.id, () => resolve(word.id.toUpperCase()))));
    const events: RunEvent[] = [];
    const runner = new Runner({ progress: false, concurrency: 1, cacheConfig: { enabled: true, backend, verbose: false }, onEvent: (event) => events.push(event) });
    const running = runner.run(pipeline, { word: wordsOf("w0", "w1") });
    await vi.waitFor(() => expect(release.has("w0")).toBe(true));
    release.get("w0")!();
    // w1 has not finished: the batch holding w0 goes by itself, not at the end of the node.
    await vi.waitFor(() => expect(events.map((event) => event.key)).toEqual(["upper::w0"]), { timeout: 5000 });
    expect(backend.batches).toEqual([["upper::w0"]]);
    await vi.waitFor(() => expect(release.has("w1")).toBe(true));
    release.get("w1")!();
    await running;
    expect(backend.batches).toEqual([["upper::w0"], ["upper::w1"]]);
  });
});
