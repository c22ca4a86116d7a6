import { afterEach, describe, expect, it } from "vitest";
import { CacheConfig, func, MemoryCache, Pipeline, Runner, type BuildInfo } from "../../src/index.js";
import { captureStderr } from "../helpers/stderr.js";

/** A runner with a fresh memory cache, quiet unless asked. */
function cachedRunner(options: { backend?: MemoryCache; verbose?: boolean | "explain"; envHash?: string; perItemCaching?: boolean; dependencyDepth?: number } = {}) {
  const backend = options.backend ?? new MemoryCache();
  const { backend: _ignored, ...rest } = options;
  return { backend, runner: new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend, verbose: false, ...rest }) }) };
}

/** A node that counts its calls. */
function counted<T>(output: string, body: (input: { x: number }) => T, options: Record<string, unknown> = {}) {
  const calls = { count: 0 };
  const node = func({ output, cache: true, inputs: ["x"], ...options }, (input: { x: number }) => {
    calls.count++;
    return body(input);
  });
  return { node, calls };
}

/** Simulates what the transform injects: a node with a given code hash and dependency hashes. */
function built<T>(output: string, build: Partial<BuildInfo>, body: (input: { x: number }) => T) {
  const info: BuildInfo = { v: 1, codeHash: "c0de", depsHashes: [], inputs: ["x"], defaults: [], file: "src/pipeline.ts", ...build };
  return (func as unknown as (o: object, f: unknown, b: BuildInfo) => ReturnType<typeof func>)({ output, cache: true }, body, info);
}

afterEach(() => {
  delete process.env.DAFT_TEST_REGION;
});

describe("cache semantics", () => {
  it("keeps one result per distinct signature: x=5, x=10, x=5 execute twice", async () => {
    const { node, calls } = counted("doubled", ({ x }) => x * 2);
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [node] });
    expect((await runner.run(pipeline, { x: 5 })).doubled).toBe(10);
    expect((await runner.run(pipeline, { x: 10 })).doubled).toBe(20);
    expect((await runner.run(pipeline, { x: 5 })).doubled).toBe(10);
    expect(calls.count).toBe(2);
    expect(runner.stats.hits).toBe(1);
  });

  it.each([null, undefined, false, 0, "", Number.NaN])("caches a falsy result (%s) like any other", async (falsy) => {
    const { node, calls } = counted("nothing", () => falsy);
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [node] });
    await runner.run(pipeline, { x: 1 });
    const out = await runner.run(pipeline, { x: 1 });
    expect(out.nothing).toBe(falsy);
    expect(calls.count).toBe(1);
    expect(runner.stats.events[0]).toMatchObject({ status: "hit" });
  });

  it("lets a downstream node hit when its upstream re-runs to an identical value (early cutoff)", async () => {
    const parity = counted("parity", ({ x }) => x % 2);
    const label = func({ output: "label", cache: true }, ({ parity: p }: { parity: number }) => (p === 0 ? "even" : "odd"));
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [parity.node, label] });
    await runner.run(pipeline, { x: 2 });
    const out = await runner.run(pipeline, { x: 4 });
    expect(out.label).toBe("even");
    expect(runner.stats.events.map((event) => [event.output, event.status])).toEqual([
      ["parity", "miss"],
      ["label", "hit"],
    ]);
  });

  it("stores nothing for a node that throws", async () => {
    let fail = true;
    const flaky = func({ output: "flaky", cache: true, inputs: ["x"] }, () => {
      if (fail) throw new Error("boom");
      return "ok";
    });
    const { runner, backend } = cachedRunner();
    const pipeline = new Pipeline({ functions: [flaky] });
    await expect(runner.run(pipeline, { x: 1 })).rejects.toThrow(/flaky.*boom/);
    expect(await backend.getMeta("flaky")).toBeUndefined();
    fail = false;
    await runner.run(pipeline, { x: 1 });
    expect(runner.stats.events[0]).toMatchObject({ status: "miss", reason: "new" });
  });

  it("does not look up nodes without cache: true, nor anything when the cache is disabled", async () => {
    let calls = 0;
    const plain = func({ output: "plain" }, ({ x }: { x: number }) => ++calls + x);
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [plain] });
    await runner.run(pipeline, { x: 1 });
    await runner.run(pipeline, { x: 1 });
    expect(calls).toBe(2);
    expect(runner.stats.events[0]).toMatchObject({ status: "no-cache" });

    const { node, calls: cachedCalls } = counted("c", ({ x }) => x);
    const disabled = new Runner({ cacheConfig: { enabled: false, backend: new MemoryCache() } });
    await disabled.run(new Pipeline({ functions: [node] }), { x: 1 });
    await disabled.run(new Pipeline({ functions: [node] }), { x: 1 });
    expect(cachedCalls.count).toBe(2);
  });

  it("misses when the code changes, naming the reason", async () => {
    const backend = new MemoryCache();
    const { runner } = cachedRunner({ backend });
    await runner.run(new Pipeline({ functions: [built("y", { codeHash: "aaaa" }, ({ x }) => x)] }), { x: 1 });
    await runner.run(new Pipeline({ functions: [built("y", { codeHash: "bbbb" }, ({ x }) => x)] }), { x: 1 });
    expect(runner.stats.events[0]).toMatchObject({ status: "miss", reason: "code" });
    await runner.run(new Pipeline({ functions: [built("y", { codeHash: "aaaa" }, ({ x }) => x)] }), { x: 1 });
    expect(runner.stats.events[0]).toMatchObject({ status: "hit" });
  });

  it("uses the dependency hash of the level dependencyDepth selects, and names the changed files", async () => {
    const node = (level1: string, level2: string) =>
      built("y", {
        depsHashes: [level1, level2],
        depsFiles: [
          ["src/helpers.ts", 1, level1],
          ["src/deep.ts", 2, level2],
        ],
      }, ({ x }) => x);
    const backend = new MemoryCache();
    const shallow = cachedRunner({ backend, dependencyDepth: 1 }).runner;
    const deep = cachedRunner({ backend, dependencyDepth: 2 }).runner;
    await shallow.run(new Pipeline({ functions: [node("h1", "d1")] }), { x: 1 });
    await deep.run(new Pipeline({ functions: [node("h1", "d1")] }), { x: 1 });
    // An edit two levels down: a hit at depth 1, a miss at depth 2.
    await shallow.run(new Pipeline({ functions: [node("h1", "d2")] }), { x: 1 });
    expect(shallow.stats.events[0]).toMatchObject({ status: "hit" });
    await deep.run(new Pipeline({ functions: [node("h1", "d2")] }), { x: 1 });
    expect(deep.stats.events[0]).toMatchObject({ status: "miss", reason: "deps", detail: ["src/deep.ts"] });
  });

  it("includes envHash, the node's cacheKey and declared environment variables in the environment hash", async () => {
    const backend = new MemoryCache();
    const { node, calls } = counted("y", ({ x }) => x, { env: ["DAFT_TEST_REGION"] });
    const pipeline = new Pipeline({ functions: [node] });
    const v1 = cachedRunner({ backend, envHash: "v1" }).runner;
    await v1.run(pipeline, { x: 1 });
    await v1.run(pipeline, { x: 1 });
    expect(calls.count).toBe(1);
    const v2 = cachedRunner({ backend, envHash: "v2" }).runner;
    await v2.run(pipeline, { x: 1 });
    expect(v2.stats.events[0]).toMatchObject({ status: "miss", reason: "env", detail: ["cacheKey"] });
    process.env.DAFT_TEST_REGION = "eu";
    await v2.run(pipeline, { x: 1 });
    expect(v2.stats.events[0]).toMatchObject({ status: "miss", reason: "env", detail: ["DAFT_TEST_REGION"] });
    await v2.run(pipeline, { x: 1 });
    expect(v2.stats.events[0]).toMatchObject({ status: "hit" });

    const pinned = counted("y", ({ x }) => x, { cacheKey: "pinned", env: ["DAFT_TEST_REGION"] });
    const pinnedPipeline = new Pipeline({ functions: [pinned.node] });
    await cachedRunner({ backend, envHash: "v1" }).runner.run(pinnedPipeline, { x: 1 });
    const other = cachedRunner({ backend, envHash: "v3" }).runner;
    await other.run(pinnedPipeline, { x: 1 });
    expect(other.stats.events[0]).toMatchObject({ status: "hit" }); // cacheKey wins over config.envHash
  });

  it("names the inputs that changed", async () => {
    const node = func({ output: "sum", cache: true }, ({ a, b, c }: { a: number; b: number; c: number }) => a + b + c);
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [node] });
    await runner.run(pipeline, { a: 1, b: 2, c: 3 });
    await runner.run(pipeline, { a: 1, b: 20, c: 30 });
    expect(runner.stats.events[0]).toMatchObject({ status: "miss", reason: "inputs", detail: ["b", "c"] });
  });

  it("hashes inputs by content: key order does not matter, types do", async () => {
    const node = func({ output: "keys", cache: true }, ({ config }: { config: unknown }) => JSON.stringify(config));
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [node] });
    await runner.run(pipeline, { config: { a: 1, b: [1, 2] } });
    await runner.run(pipeline, { config: { b: [1, 2], a: 1 } });
    expect(runner.stats.events[0]!.status).toBe("hit");
    await runner.run(pipeline, { config: { b: [1, 2], a: "1" } });
    expect(runner.stats.events[0]!.status).toBe("miss");
  });

  it("refuses an input that cannot be hashed, naming the node and the input", async () => {
    const node = func({ output: "y", cache: true }, function useHandle({ handle }: { handle: unknown }) {
      return String(handle);
    });
    const { runner } = cachedRunner();
    await expect(runner.run(new Pipeline({ functions: [node] }), { handle: Symbol("s") })).rejects.toThrow(
      /node "useHandle" \(output "y"\), input "handle"/,
    );
  });
});

describe("per-item caching of mapped nodes", () => {
  const docs = (ids: number[]) => ids.map((id) => ({ id, text: `document ${id}` }));

  it("keys items by id, so a longer or re-ordered list only computes new items", async () => {
    let calls = 0;
    const embed = func({ output: "lengths", mapAxis: "doc", cache: true }, ({ doc }: { doc: { id: number; text: string } }) => {
      calls++;
      return doc.text.length;
    });
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [embed] });
    await runner.run(pipeline, { doc: docs([1, 2, 3]) });
    expect(calls).toBe(3);
    expect(runner.stats.events.map((event) => event.key)).toEqual(["lengths::1", "lengths::2", "lengths::3"]);
    const out = await runner.run(pipeline, { doc: docs([3, 1, 4, 2]) });
    expect(calls).toBe(4);
    expect(out.lengths).toEqual([10, 10, 10, 10]);
    expect(runner.stats.events.map((event) => `${event.key}:${event.status}`)).toEqual([
      "lengths::3:hit",
      "lengths::1:hit",
      "lengths::4:miss",
      "lengths::2:hit",
    ]);
  });

  it("lists every hit as its own event, in finishing order, across nodes, misses and async items", async () => {
    const lengths = func({ output: "lengths", mapAxis: "doc", cache: true }, ({ doc }: { doc: { id: number; text: string } }) => doc.text.length);
    // Items that finish in reverse order on a miss; on a hit they come back in index order.
    const slow = func({ output: "slow", mapAxis: "doc", cache: true }, async ({ doc }: { doc: { id: number } }) => {
      await new Promise((resolve) => setTimeout(resolve, 20 - doc.id * 5));
      return doc.id;
    });
    const total = func({ output: "total", cache: true }, ({ lengths }: { lengths: number[] }) => lengths.reduce((a, b) => a + b, 0));
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [lengths, slow, total] });
    await runner.run(pipeline, { doc: docs([1, 2, 3]) });
    expect(runner.stats.events.filter((event) => event.output === "slow").map((event) => event.item)).toEqual([2, 1, 0]);
    await runner.run(pipeline, { doc: docs([1, 2, 4, 3]) });
    const seen = runner.stats.events.map((event) => `${event.key}#${event.item ?? "-"}:${event.status}`);
    expect(seen.filter((line) => line.startsWith("lengths"))).toEqual(["lengths::1#0:hit", "lengths::2#1:hit", "lengths::4#2:miss", "lengths::3#3:hit"]);
    expect(seen.filter((line) => line.startsWith("slow")).sort()).toEqual(["slow::1#0:hit", "slow::2#1:hit", "slow::3#3:hit", "slow::4#2:miss"]);
    expect(seen.at(-1)).toBe("total#-:miss");
    expect(runner.stats.events.every((event) => event.durationMs >= 0)).toBe(true);
    expect(runner.stats).toMatchObject({ hits: 6, misses: 3 });
    expect(runner.stats.nodes.map((node) => [node.output, node.hits, node.misses])).toEqual([
      ["lengths", 3, 1],
      ["slow", 3, 1],
      ["total", 0, 1],
    ]);
    expect(JSON.parse(JSON.stringify(runner.stats)).events).toHaveLength(9);
  });

  it("uses keyAttr, then id/uuid/key/name, then the item's content hash", async () => {
    const keys = async (options: Record<string, unknown>, items: unknown[]) => {
      const node = func({ output: "o", mapAxis: "item", cache: true, ...options }, ({ item }: { item: unknown }) => item);
      const { runner } = cachedRunner();
      await runner.run(new Pipeline({ functions: [node] }), { item: items });
      return runner.stats.events.map((event) => event.key);
    };
    expect(await keys({ keyAttr: "slug" }, [{ slug: "intro", id: 1 }])).toEqual(["o::intro"]);
    expect(await keys({}, [{ uuid: "u-1" }, { key: "k" }, { name: "n" }])).toEqual(["o::u-1", "o::k", "o::n"]);
    class Doc {
      constructor(readonly id: string) {}
    }
    expect(await keys({ keyAttr: "id" }, [new Doc("class-instance")])).toEqual(["o::class-instance"]);
    const [byContent] = await keys({}, [{ text: "no key" }]);
    expect(byContent).toMatch(/^o::[0-9a-f]{16}$/);
    expect(await keys({}, [{ text: "no key" }])).toEqual([byContent]); // stable
  });

  it("caches a mapped node as a whole when perItemCaching is false", async () => {
    let calls = 0;
    const node = func({ output: "o", mapAxis: "item", cache: true }, ({ item }: { item: number }) => {
      calls++;
      return item + 1;
    });
    const { runner } = cachedRunner({ perItemCaching: false });
    const pipeline = new Pipeline({ functions: [node] });
    await runner.run(pipeline, { item: [1, 2] });
    const out = await runner.run(pipeline, { item: [1, 2] });
    expect(out.o).toEqual([2, 3]);
    expect(calls).toBe(2);
    expect(runner.stats.events).toEqual([expect.objectContaining({ key: "o", status: "hit" })]);
  });

  it("feeds per-item output hashes downstream, so an unchanged item's downstream hits", async () => {
    let downstreamCalls = 0;
    const first = func({ output: "first", mapAxis: "item", cache: true }, ({ item }: { item: { id: number; v: number } }) => item.v % 10);
    const second = func({ output: "second", mapAxis: "item", cache: true }, ({ first: value }: { first: number }) => {
      downstreamCalls++;
      return value * 2;
    });
    const { runner } = cachedRunner();
    const pipeline = new Pipeline({ functions: [first, second] });
    await runner.run(pipeline, { item: [{ id: 1, v: 1 }, { id: 2, v: 2 }] });
    // Item 1 changes but maps to the same first value (11 % 10 = 1): its downstream hits.
    await runner.run(pipeline, { item: [{ id: 1, v: 11 }, { id: 2, v: 3 }] });
    expect(downstreamCalls).toBe(3);
  });
});

describe("verbose summary and stats", () => {
  it("prints one part per node on stderr, joined by ' | '", async () => {
    const { node } = counted("result", ({ x }) => x);
    const plain = func({ output: "label" }, ({ result }: { result: number }) => `#${result}`);
    const squares = func({ output: "squares", mapAxis: "item", cache: true }, ({ item }: { item: number }) => item * item);
    const { runner } = cachedRunner({ verbose: true });
    const pipeline = new Pipeline({ functions: [node, plain, squares] });
    const first = await captureStderr(() => runner.run(pipeline, { x: 1, item: [1, 2] }));
    expect(first.stderr).toMatch(/^\[CACHE\] result: ✗ MISS \(\d+\.\d\ds\) \| label: NO-CACHE \(\d+\.\d\ds\) \| \[CACHE\] squares: 2 ✗ MISS \(\d+\.\d\ds\)\n$/);
    const second = await captureStderr(() => runner.run(pipeline, { x: 1, item: [1, 2, 3] }));
    expect(second.stderr).toMatch(/^\[CACHE\] result: ✓ HIT \| label: NO-CACHE \(\d+\.\d\ds\) \| \[CACHE\] squares: 2 ✓ HIT, 1 ✗ MISS \(\d+\.\d\ds\)\n$/);
    expect(runner.stats).toMatchObject({ hits: 3, misses: 1, noCache: 1 });
    expect(runner.stats.nodes.map((n) => [n.output, n.items, n.hits, n.misses])).toEqual([
      ["result", 1, 1, 0],
      ["label", 1, 0, 0],
      ["squares", 3, 2, 1],
    ]);
  });

  it("explains misses with verbose: 'explain'", async () => {
    const node = func({ output: "sum", cache: true }, ({ a, b }: { a: number; b: number }) => a + b);
    const { runner } = cachedRunner({ verbose: "explain" });
    const pipeline = new Pipeline({ functions: [node] });
    expect((await captureStderr(() => runner.run(pipeline, { a: 1, b: 2 }))).stderr).toMatch(/sum: ✗ MISS \(\d+\.\d\ds, new\)/);
    expect((await captureStderr(() => runner.run(pipeline, { a: 1, b: 3 }))).stderr).toMatch(/sum: ✗ MISS \(\d+\.\d\ds, inputs changed: b\)/);
  });

  it("marks the node that failed", async () => {
    const { node } = counted("result", ({ x }) => x);
    const failing = func({ output: "total", cache: true }, ({ result }: { result: number }) => {
      throw new Error(`cannot total ${result}`);
    });
    const { runner } = cachedRunner({ verbose: true });
    const { stderr } = await captureStderr(() => runner.run(new Pipeline({ functions: [node, failing] }), { x: 1 }).catch(() => undefined));
    expect(stderr).toMatch(/^\[CACHE\] result: ✗ MISS \(\d+\.\d\ds\) \| \[CACHE\] total: ✗ FAILED\n$/);
    expect(runner.stats.nodes.map((n) => n.failed ?? false)).toEqual([false, true]);
  });

  it("prints nothing when verbose is false", async () => {
    const { node } = counted("y", ({ x }) => x);
    const { runner } = cachedRunner({ verbose: false });
    expect((await captureStderr(() => runner.run(new Pipeline({ functions: [node] }), { x: 1 }))).stderr).toBe("");
  });
});
