import { describe, expect, it } from "vitest";
import { func, Pipeline, Runner } from "../../src/index.js";

const runner = new Runner({ cacheConfig: { enabled: false } });

describe("Pipeline", () => {
  const double = func({ output: "doubled", cache: true }, ({ x }: { x: number }) => x * 2);
  const addTen = func({ output: "result" }, ({ doubled, offset = 10 }: { doubled: number; offset?: number }) => doubled + offset);

  it("runs the design example and returns inputs plus every output", async () => {
    const pipeline = new Pipeline({ functions: [double, addTen] });
    expect(await runner.run(pipeline, { x: 5 })).toEqual({ x: 5, doubled: 10, result: 20 });
    expect(await runner.run(pipeline, { x: 5, offset: 1 })).toEqual({ x: 5, offset: 1, doubled: 10, result: 11 });
  });

  it("knows its required inputs, optional inputs and outputs", () => {
    const pipeline = new Pipeline({ functions: [addTen, double] });
    expect(pipeline.requiredInputs).toEqual(["x"]);
    expect(pipeline.optionalInputs).toEqual(["offset"]);
    expect(pipeline.outputs).toEqual(["result", "doubled"]);
    expect(pipeline.nodes.map((node) => node.name)).toEqual(["result", "doubled"]);
  });

  it("orders by dependencies, and independent nodes by registration order", async () => {
    const calls: string[] = [];
    const step = (output: string, body: (input: Record<string, number>) => number, inputs: string[]) =>
      func({ output, inputs }, (input: Record<string, number>) => {
        calls.push(output);
        return body(input);
      });
    const pipeline = new Pipeline({
      functions: [
        step("d", (i) => i.b! + i.c!, ["b", "c"]),
        step("c", (i) => i.a! * 3, ["a"]),
        step("b", (i) => i.a! * 2, ["a"]),
        step("a", (i) => i.seed!, ["seed"]),
        step("z", (i) => i.seed! - 1, ["seed"]),
      ],
    });
    const out = await runner.run(pipeline, { seed: 1 });
    expect(out).toMatchObject({ a: 1, b: 2, c: 3, d: 5, z: 0 });
    expect(calls).toEqual(["a", "c", "b", "d", "z"]);
  });

  it("uses a produced value over a default, whatever the registration order", async () => {
    const makeOffset = func({ output: "offset" }, ({ x }: { x: number }) => x * 100);
    for (const functions of [[addTen, double, makeOffset], [makeOffset, double, addTen]] as const) {
      const out = await runner.run(new Pipeline({ functions }), { x: 1 });
      expect(out.result).toBe(102);
    }
  });

  it("names both nodes when two produce the same output", () => {
    const other = func({ output: "doubled" }, function twice({ x }: { x: number }) {
      return x + x;
    });
    expect(() => new Pipeline({ functions: [double, other] })).toThrow(/nodes "doubled" and "twice" both produce output "doubled"/);
  });

  it("rejects a function without func metadata, naming it", () => {
    function plain({ x }: { x: number }) {
      return x;
    }
    expect(() => new Pipeline({ functions: [double, plain as never] })).toThrow(/functions\[1\] "plain" is not a daft node.*func\(/);
  });

  it("supports one map axis", () => {
    const a = func({ output: "a", mapAxis: "item" }, ({ item }: { item: number }) => item);
    const b = func({ output: "b", mapAxis: "query" }, ({ query }: { query: number }) => query);
    expect(() => new Pipeline({ functions: [a, b] })).toThrow(/supports one map axis.*"item".*"query"/);
  });

  it("lists every blocked node with its missing inputs", async () => {
    const needsY = func({ output: "w" }, ({ y, z }: { y: number; z: number }) => y + z);
    const pipeline = new Pipeline({ functions: [double, addTen, needsY] });
    const run = runner.run(pipeline, {} as never);
    await expect(run).rejects.toThrow(/^Cannot resolve pipeline dependencies/);
    await expect(runner.run(pipeline, {} as never)).rejects.toThrow(
      /node "doubled" \(output "doubled"\) is missing "x"[\s\S]*node "w" \(output "w"\) is missing "y", "z"/,
    );
  });

  it("names a dependency cycle", async () => {
    const a = func({ output: "a" }, function makeA({ b }: { b: number }) {
      return b;
    });
    const b = func({ output: "b" }, function makeB({ a: value }: { a: number }) {
      return value;
    });
    const pipeline = new Pipeline({ functions: [a, b] });
    await expect(runner.run(pipeline, {} as never)).rejects.toThrow(/Dependency cycle between nodes: .*"make[AB]".*→.*"make[AB]".*→/);
  });

  it("refuses a run input that a node also produces", async () => {
    const pipeline = new Pipeline({ functions: [double] });
    await expect(runner.run(pipeline, { x: 1, doubled: 3 } as never)).rejects.toThrow(/"doubled" is also the output of node "doubled"/);
  });

  it("attaches the node's name to an error and keeps the original as the cause", async () => {
    const original = new RangeError("negative input");
    const failing = func({ output: "root" }, function squareRoot({ x }: { x: number }) {
      if (x < 0) throw original;
      return Math.sqrt(x);
    });
    const error = await runner.run(new Pipeline({ functions: [failing] }), { x: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Node "squareRoot" (output "root") failed: negative input');
    expect((error as Error).cause).toBe(original);
    expect(error).toMatchObject({ node: "squareRoot", output: "root" });
  });

  it("runs sync and async functions alike", async () => {
    const slow = func({ output: "later" }, async ({ doubled }: { doubled: number }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return doubled + 1;
    });
    expect(await runner.run(new Pipeline({ functions: [double, slow] }), { x: 2 })).toEqual({ x: 2, doubled: 4, later: 5 });
  });

  it("takes the four modes and rejects others", () => {
    expect(new Runner({ mode: "threads" }).mode).toBe("threads");
    expect(new Runner({ mode: "auto" }).mode).toBe("auto");
    expect(() => new Runner({ mode: "distributed" })).toThrow(/mode "distributed" needs redis/);
    expect(() => new Runner({ mode: "warp" as never })).toThrow(/unknown mode "warp"/);
  });
});
