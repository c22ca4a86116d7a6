/**
 * What a cache key covers, and what it cannot be made of: a mapped node cached whole is keyed by
 * its whole axis, and an item key that cannot be hashed is an error naming the node and the item.
 */
import { describe, expect, it } from "vitest";
import { func, InputHashError, MemoryCache, Pipeline, Runner } from "../../src/index.js";

const wholeRunner = () => new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false, perItemCaching: false } });

describe("a mapped node cached as a whole (perItemCaching: false)", () => {
  it("is keyed by the whole axis: another list never gets the first list's result", async () => {
    let calls = 0;
    const upper = func({ output: "upper", mapAxis: "word", cache: true }, ({ word }: { word: string }) => {
      calls++;
      return word.toUpperCase();
    });
    const runner = wholeRunner();
    const pipeline = new Pipeline({ functions: [upper] });
    expect((await runner.run(pipeline, { word: ["a", "b"] })).upper).toEqual(["A", "B"]);
    expect((await runner.run(pipeline, { word: ["x", "y", "z"] })).upper).toEqual(["X", "Y", "Z"]);
    expect(runner.stats.events).toEqual([expect.objectContaining({ key: "upper", status: "miss", reason: "inputs", detail: ["word"] })]);
    expect((await runner.run(pipeline, { word: ["a", "b"] })).upper).toEqual(["A", "B"]);
    expect(runner.stats.events).toEqual([expect.objectContaining({ key: "upper", status: "hit" })]);
    expect(calls).toBe(5);
  });

  it("counts the axis even when the function does not read it: the item count shapes the output", async () => {
    const label = func({ output: "labels", mapAxis: "item", cache: true, inputs: ["prefix"] }, ({ prefix }: { prefix: string; item?: number }) => `${prefix}!`);
    const runner = wholeRunner();
    const pipeline = new Pipeline({ functions: [label] });
    expect((await runner.run(pipeline, { item: [1, 2], prefix: "p" })).labels).toEqual(["p!", "p!"]);
    expect((await runner.run(pipeline, { item: [1, 2, 3], prefix: "p" })).labels).toEqual(["p!", "p!", "p!"]);
  });
});

describe("item keys that cannot be hashed", () => {
  const cachedRunner = () => new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });
  const embed = (options: { keyAttr?: string } = {}) =>
    func({ output: "vectors", mapAxis: "doc", cache: true, ...options }, function embed({ doc }: { doc: unknown }) {
      return String(doc);
    });

  it.each([
    ["a Symbol", () => Symbol("slug"), /is a Symbol, which cannot name a cache entry\. Give each item a string or number "slug", or remove keyAttr/],
    ["a Promise", () => Promise.resolve("slug"), /is a Promise, which cannot name a cache entry\. Give each item a string or number "slug" \(await it before the run\)/],
  ])("keyAttr holding %s: the error names the node, the item and the fix", async (_label, bad, fix) => {
    const error = await cachedRunner()
      .run(new Pipeline({ functions: [embed({ keyAttr: "slug" })] }), { doc: [{ slug: "intro" }, { slug: bad() }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputHashError);
    expect((error as Error).message).toMatch(/^node "embed" \(output "vectors"\), item 1 of "doc": its keyAttr "slug" /);
    expect((error as Error).message).toMatch(fix);
    expect(error).toMatchObject({ node: "embed", input: "doc" });
  });

  it("a conventional key (id) holding a Symbol: the error says to set keyAttr", async () => {
    await expect(cachedRunner().run(new Pipeline({ functions: [embed()] }), { doc: [{ id: Symbol("id") }] })).rejects.toThrow(
      /^node "embed" \(output "vectors"\), item 0 of "doc": its "id" is a Symbol, which cannot name a cache entry\. Set keyAttr to an attribute that holds a string or number\.$/,
    );
  });

  it("an item that is itself a Promise, keyed by content: the error names the item", async () => {
    await expect(cachedRunner().run(new Pipeline({ functions: [embed()] }), { doc: ["ok", Promise.resolve("later")] })).rejects.toThrow(
      /^node "embed" \(output "vectors"\), item 1 of "doc": the item is a Promise, so it cannot name its cache entry\./,
    );
  });
});
