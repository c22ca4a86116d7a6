/**
 * Local mode runs every node whose inputs are ready at once: independent async nodes overlap,
 * bounded by `concurrency`, while outputs, stats and the summary stay independent of timing, and
 * a failure fails the run only after the nodes already running have settled.
 */
import { describe, expect, it } from "vitest";
import { func, MemoryCache, NodeError, Pipeline, Runner } from "../../src/index.js";
import { captureStderr } from "../helpers/stderr.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("overlap of independent nodes", () => {
  it("runs two independent 400 ms async nodes at the same time, and their consumer after both", async () => {
    const spans: Record<string, [number, number]> = {};
    const timed = (output: string) =>
      func({ output, inputs: ["x"] }, async ({ x }: { x: number }) => {
        const start = performance.now();
        await sleep(400);
        spans[output] = [start, performance.now()];
        return x + 1;
      });
    const both = func({ output: "both" }, ({ a, b }: { a: number; b: number }) => {
      spans.both = [performance.now(), performance.now()];
      return a + b;
    });
    const runner = new Runner({ progress: false });
    const started = performance.now();
    const out = await runner.run(new Pipeline({ functions: [timed("a"), timed("b"), both] }), { x: 1 });
    const elapsed = performance.now() - started;
    expect(out).toEqual({ x: 1, a: 2, b: 2, both: 4 });
    expect(spans.b![0]).toBeLessThan(spans.a![1]); // b started before a finished
    expect(spans.both![0]).toBeGreaterThanOrEqual(Math.max(spans.a![1], spans.b![1]));
    expect(elapsed).toBeLessThan(700); // one after another it takes 800 ms at least
  });

  it("bounds the asynchronous calls of all running nodes together by concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    const slow = (output: string) =>
      func({ output, mapAxis: "item" }, async ({ item }: { item: number }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await sleep(5 + (item % 3) * 5);
        inFlight--;
        return item;
      });
    const runner = new Runner({ progress: false, concurrency: 3 });
    const out = await runner.run(new Pipeline({ functions: [slow("first"), slow("second")] }), { item: [1, 2, 3, 4, 5, 6] });
    expect(out.first).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.second).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it("runs a synchronous pipeline without waiting for a microtask: every node ran before run() returned", async () => {
    const calls: string[] = [];
    const double = func({ output: "doubled", cache: true }, ({ x }: { x: number }) => (calls.push("doubled"), x * 2));
    const items = func({ output: "items", mapAxis: "item", cache: true }, ({ item, doubled }: { item: number; doubled: number }) => {
      calls.push("items");
      return item + doubled;
    });
    const total = func({ output: "total" }, ({ items: values }: { items: number[] }) => (calls.push("total"), values.length));
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });
    const pipeline = new Pipeline({ functions: [double, items, total] });
    for (const round of [1, 2]) {
      calls.length = 0;
      const pending = runner.run(pipeline, { x: 1, item: [1, 2] });
      calls.push("run() returned");
      expect(await pending).toMatchObject({ items: [3, 4], total: 2 });
      expect(calls).toEqual(round === 1 ? ["doubled", "items", "items", "total", "run() returned"] : ["total", "run() returned"]);
    }
  });
});

describe("results and stats independent of timing", () => {
  /** Independent async nodes with random delays, a mapped one, and consumers of several of them. */
  function randomlySlowPipeline() {
    const delay = () => sleep(Math.random() * 25);
    const node = (output: string, inputs: string[]) =>
      func({ output, inputs, cache: true }, async (args: Record<string, number>) => {
        await delay();
        return inputs.reduce((sum, name) => sum + (args[name] ?? 0), output.length);
      });
    const mapped = func({ output: "perItem", mapAxis: "item", cache: true }, async ({ item, a }: { item: number; a: number }) => {
      await delay();
      return item * a;
    });
    const sum = func({ output: "sum" }, async ({ perItem, d }: { perItem: number[]; d: number }) => {
      await delay();
      return perItem.reduce((total, value) => total + value, d);
    });
    return new Pipeline({ functions: [node("a", ["x"]), node("b", ["x"]), node("c", ["x"]), mapped, node("d", ["b", "c"]), sum, node("e", ["a", "d"])] });
  }

  it("gives the same outputs, stats order, events order and summary whatever finishes first", async () => {
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: true } });
      const { result, stderr } = await captureStderr(() => runner.run(randomlySlowPipeline(), { x: 1, item: [1, 2, 3] }));
      const eventsByNode = runner.stats.events.map((event) => event.output);
      seen.add(
        JSON.stringify({
          keys: Object.keys(result),
          result,
          nodes: runner.stats.nodes.map((node) => node.output),
          eventsByNode,
          summary: stderr.replace(/\d+\.\d\ds/g, "T"),
        }),
      );
    }
    expect(seen.size).toBe(1);
    const [only] = [...seen].map((text) => JSON.parse(text) as { keys: string[]; nodes: string[]; eventsByNode: string[]; summary: string });
    expect(only!.keys).toEqual(["x", "item", "a", "b", "c", "perItem", "d", "sum", "e"]);
    expect(only!.nodes).toEqual(["a", "b", "c", "perItem", "d", "sum", "e"]);
    expect(only!.eventsByNode).toEqual(["a", "b", "c", "perItem", "perItem", "perItem", "d", "sum", "e"]);
    expect(only!.summary).toBe("[CACHE] a: ✗ MISS (T) | [CACHE] b: ✗ MISS (T) | [CACHE] c: ✗ MISS (T) | [CACHE] perItem: 3 ✗ MISS (T) | [CACHE] d: ✗ MISS (T) | sum: NO-CACHE (T) | [CACHE] e: ✗ MISS (T)\n");
  });
});

describe("failures while other nodes run", () => {
  it("lets the nodes already running finish, starts no new node, then fails with the NodeError", async () => {
    const log: string[] = [];
    const failing = func({ output: "failing", inputs: ["x"] }, async function parse() {
      await sleep(30);
      log.push("failing threw");
      throw new Error("bad input");
    });
    const slowCalls = { count: 0 };
    const slow = func({ output: "slow", inputs: ["x"], cache: true }, async ({ x }: { x: number }) => {
      slowCalls.count++;
      await sleep(200);
      log.push("slow finished");
      return x * 10;
    });
    const after = func({ output: "after" }, ({ slow: value }: { slow: number }) => (log.push("after ran"), value));
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });
    const pipeline = new Pipeline({ functions: [failing, slow, after] });

    const error = await runner.run(pipeline, { x: 1 }).catch((caught: unknown) => (log.push("run rejected"), caught));
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).message).toMatch(/^Node "parse" \(output "failing"\) failed: bad input/);
    expect(log).toEqual(["failing threw", "slow finished", "run rejected"]);
    expect(runner.stats.nodes.map((node) => [node.output, node.failed ?? false])).toEqual([
      ["failing", true],
      ["slow", false],
    ]);
    // What finished was stored: a second run finds it.
    await runner.run(pipeline, { x: 1 }).catch(() => undefined);
    expect(slowCalls.count).toBe(1);
  });

  it("reports the error of the failing node first in plan order, whichever failed first", async () => {
    const failAfter = (output: string, ms: number) =>
      func({ output, inputs: ["x"] }, async () => {
        await sleep(ms);
        throw new Error(`${output} failed`);
      });
    const runner = new Runner({ progress: false });
    for (const [first, second] of [
      [80, 5],
      [5, 80],
    ] as const) {
      const pipeline = new Pipeline({ functions: [failAfter("early", first), failAfter("late", second)] });
      await expect(runner.run(pipeline, { x: 1 })).rejects.toThrow(/output "early"\) failed: early failed/);
      expect(runner.stats.nodes.map((node) => node.failed)).toEqual([true, true]);
    }
  });
});

describe("progress with overlapping nodes", () => {
  it("shows each node done as it finishes, and every node in the final line", async () => {
    const written: string[] = [];
    const stream = { write: (chunk: string) => (written.push(chunk), true) };
    const wait = (output: string, ms: number) =>
      func({ output, inputs: ["x"] }, async ({ x }: { x: number }) => {
        await sleep(ms);
        return x;
      });
    const join = func({ output: "joined" }, ({ long, short }: { long: number; short: number }) => long + short);
    const runner = new Runner({ progress: { enabled: true, stream, showAfterMs: 0 } });
    await runner.run(new Pipeline({ functions: [wait("long", 300), wait("short", 50), join] }), { x: 1 });
    const lines = written.join("").trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^daft: short done /);
    expect(lines[1]).toMatch(/^daft: long done /);
    expect(lines[2]).toMatch(/^daft: joined done /);
    expect(lines[3]).toMatch(/^daft: done in \d\.\d\ds · 3\/3 nodes$/);
  });
});
