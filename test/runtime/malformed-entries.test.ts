/**
 * Whatever a backend returns is checked: a stored entry or signature whose fields have the wrong
 * types is a miss (and is overwritten by the new result), never a crash and never a wrong value.
 * The backend here is a user backend over a Map whose stored data someone has tampered with.
 */
import { describe, expect, it } from "vitest";
import { func, Pipeline, Runner, type CacheBackend, type CacheEntry, type NodeSignature } from "../../src/index.js";

class MapBackend implements CacheBackend {
  readonly blobs = new Map<string, unknown>();
  readonly signatures = new Map<string, unknown>();
  getMeta(nodeName: string) {
    return this.signatures.get(nodeName) as NodeSignature | undefined;
  }
  setMeta(signature: NodeSignature) {
    this.signatures.set(signature.nodeName, signature);
  }
  getBlob(key: string) {
    return this.blobs.get(key) as CacheEntry | undefined;
  }
  setBlob(key: string, entry: CacheEntry) {
    this.blobs.set(key, entry);
  }
  clear() {
    this.blobs.clear();
    this.signatures.clear();
  }
  /** Replaces every stored entry with what `tamper` makes of it. */
  tamperWith(tamper: (entry: CacheEntry) => unknown) {
    for (const [key, entry] of this.blobs) this.blobs.set(key, tamper(entry as CacheEntry));
  }
}

/** The same store, answering the items of a mapped node through `getMany`. */
class BatchingMapBackend extends MapBackend {
  getMany(keys: readonly string[]) {
    return keys.map((key) => this.getBlob(key));
  }
}

const TAMPERED: [string, (entry: CacheEntry) => unknown][] = [
  ["outputHash a number", (entry) => ({ ...entry, outputHash: 42 })],
  ["outputHash a Symbol", (entry) => ({ ...entry, outputHash: Symbol("hash") })],
  ["outputHash missing", ({ outputHash: _dropped, ...rest }) => rest],
  ["createdAt a string", (entry) => ({ ...entry, createdAt: "yesterday" })],
  ["createdAt infinite", (entry) => ({ ...entry, createdAt: Infinity })],
  ["durationMs null", (entry) => ({ ...entry, durationMs: null })],
  ["itemHashes a string", (entry) => ({ ...entry, itemHashes: "ab" })],
  ["itemHashes holding numbers", (entry) => ({ ...entry, itemHashes: [1, 2] })],
  ["nodeName a number", (entry) => ({ ...entry, nodeName: 7 })],
  ["a string instead of an entry", () => "cached!"],
  ["a number instead of an entry", () => 7],
  ["an array instead of an entry", () => [1, 2]],
];

function pipelineAndCounts() {
  const counts = { doubled: 0, label: 0, squares: 0 };
  const doubled = func({ output: "doubled", cache: true }, ({ x }: { x: number }) => (counts.doubled++, x * 2));
  const label = func({ output: "label", cache: true }, ({ doubled: value }: { doubled: number }) => (counts.label++, `#${value}`));
  const squares = func({ output: "squares", mapAxis: "item", cache: true }, ({ item }: { item: number }) => (counts.squares++, item * item));
  return { pipeline: new Pipeline({ functions: [doubled, label, squares] }), counts };
}

async function withWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const listen = (warning: Error) => warnings.push(warning.message);
  process.on("warning", listen);
  try {
    const result = await run();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    return { result, warnings };
  } finally {
    process.off("warning", listen);
  }
}

describe.each([
  ["getBlob", MapBackend],
  ["getMany", BatchingMapBackend],
])("entries read through %s", (_method, Backend) => {
  it.each(TAMPERED)("an entry with %s is a miss, computed again and stored over", async (_label, tamper) => {
    const backend = new Backend();
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } });
    const { pipeline, counts } = pipelineAndCounts();
    const inputs = { x: 5, item: [1, 2, 3] };
    const expected = { x: 5, item: [1, 2, 3], doubled: 10, label: "#10", squares: [1, 4, 9] };
    expect(await runner.run(pipeline, inputs)).toEqual(expected);

    backend.tamperWith(tamper);
    const { result, warnings } = await withWarnings(() => runner.run(pipeline, inputs));
    expect(result).toEqual(expected);
    expect(counts).toEqual({ doubled: 2, label: 2, squares: 6 });
    expect(runner.stats).toMatchObject({ hits: 0, misses: 5 });
    expect(warnings.some((message) => /node "doubled": the cache backend returned a malformed entry \(.+\); computing instead/.test(message))).toBe(true);

    // The new results were stored over the malformed ones.
    expect(await runner.run(pipeline, inputs)).toEqual(expected);
    expect(runner.stats).toMatchObject({ hits: 5, misses: 0 });
  });
});

describe("a mapped node cached as a whole", () => {
  it.each([
    ["a value that is not an array", (entry: CacheEntry) => ({ ...entry, value: "AB" })],
    ["a value with too few items", (entry: CacheEntry) => ({ ...entry, value: ["A"] })],
    ["itemHashes of the wrong length", (entry: CacheEntry) => ({ ...entry, itemHashes: ["1"] })],
  ])("reads an entry with %s as a miss", async (_label, tamper) => {
    const backend = new MapBackend();
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false, perItemCaching: false } });
    const upper = func({ output: "upper", mapAxis: "word", cache: true }, ({ word }: { word: string }) => word.toUpperCase());
    const pipeline = new Pipeline({ functions: [upper] });
    await runner.run(pipeline, { word: ["a", "b"] });
    backend.tamperWith(tamper);
    const { result } = await withWarnings(() => runner.run(pipeline, { word: ["a", "b"] }));
    expect(result.upper).toEqual(["A", "B"]);
    expect(runner.stats.events).toEqual([expect.objectContaining({ status: "miss", stored: true })]);
    await runner.run(pipeline, { word: ["a", "b"] });
    expect(runner.stats.events).toEqual([expect.objectContaining({ status: "hit" })]);
  });
});

describe("signatures from getMeta", () => {
  it.each([
    ["a string", () => "signature"],
    ["hashes that are not strings", (signature: NodeSignature) => ({ ...signature, codeHash: 1 })],
    ["parts that are not records of strings", (signature: NodeSignature) => ({ ...signature, parts: { inputs: ["x"] } })],
    ["a timestamp that is not a number", (signature: NodeSignature) => ({ ...signature, timestamp: "now" })],
  ])("ignores one that is %s: the miss is new, and the run goes on", async (_label, tamper) => {
    const backend = new MapBackend();
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } });
    const { pipeline } = pipelineAndCounts();
    await runner.run(pipeline, { x: 5, item: [1] });
    for (const [name, signature] of backend.signatures) backend.signatures.set(name, tamper(signature as NodeSignature));
    const out = await runner.run(pipeline, { x: 6, item: [1] });
    expect(out).toMatchObject({ doubled: 12, label: "#12" });
    expect(runner.stats.events.find((event) => event.output === "doubled")).toMatchObject({ status: "miss", reason: "new" });
  });
});
