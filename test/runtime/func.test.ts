import { describe, expect, it } from "vitest";
import { func } from "../../src/index.js";

describe("func", () => {
  it("reads input names and defaults from the destructured parameter", () => {
    const node = func({ output: "result" }, ({ doubled, offset = 10 }: { doubled: number; offset?: number }) => doubled + offset);
    expect(node.meta.inputs).toEqual(["doubled", "offset"]);
    expect(node.meta.defaults).toEqual(["offset"]);
    expect(node.meta.output).toBe("result");
    expect(node.meta.cache).toBe(false);
    expect(node.meta.hashSource).toBe("runtime");
  });

  it("stays callable exactly like the function", async () => {
    const double = func({ output: "doubled" }, ({ x }: { x: number }) => x * 2);
    expect(double({ x: 21 })).toBe(42);
    const later = func({ output: "later" }, async ({ x }: { x: number }) => x + 1);
    await expect(later({ x: 1 })).resolves.toBe(2);
    expect(double.name).toBe("doubled");
    function namedStep({ x }: { x: number }) {
      return x;
    }
    expect(func({ output: "y" }, namedStep).name).toBe("namedStep");
    expect(func({ output: "y" }, namedStep).meta.name).toBe("namedStep");
  });

  it("handles renamed keys, quoted keys, nested patterns, defaults with commas and a whole-parameter default", () => {
    const node = func(
      { output: "o" },
      // prettier-ignore
      ({ a: renamed, "b-c": quoted, d: { e } = { e: 1 }, f = [1, 2, 3].map((n) => n * 2), g = "x,}y" }: any = {}) =>
        [renamed, quoted, e, f, g],
    );
    expect(node.meta.inputs).toEqual(["a", "b-c", "d", "f", "g"]);
    expect(node.meta.defaults).toEqual(["d", "f", "g"]);
  });

  it("reads function declarations, async functions, methods and comments in the pattern", () => {
    async function load(/* the file */ { path, /* optional */ encoding = "utf8" }: { path: string; encoding?: string }) {
      return path + encoding;
    }
    expect(func({ output: "text" }, load).meta.inputs).toEqual(["path", "encoding"]);
    const holder = {
      score({ doc, query }: { doc: string; query: string }) {
        return doc.length + query.length;
      },
    };
    expect(func({ output: "score" }, holder.score).meta.inputs).toEqual(["doc", "query"]);
    expect(func({ output: "constant" }, () => 42).meta.inputs).toEqual([]);
  });

  it("asks for explicit inputs when the parameter is not a destructured object", () => {
    expect(() => func({ output: "sum" }, (args: { a: number; b: number }) => args.a + args.b)).toThrow(
      /func with output "sum".*cannot read its input names.*not a destructured object.*inputs: \["a", "b"\]/s,
    );
    expect(() => func({ output: "rest" }, ({ ...all }: Record<string, number>) => all)).toThrow(/rest element/);
    expect(() => func({ output: "two" }, ((a: number, b: number) => a + b) as never)).toThrow(/2 parameters/);
    const explicit = func({ output: "sum", inputs: ["a", "b"] }, (args: { a: number; b: number }) => args.a + args.b);
    expect(explicit.meta.inputs).toEqual(["a", "b"]);
  });

  it("rejects malformed options with a message naming the node", () => {
    expect(() => func({ output: "" }, () => 1)).toThrow(/options.output must be a non-empty string/);
    expect(() => func({ output: "x", env: "HOME" as never }, () => 1)).toThrow(/func with output "x".*options.env must be an array of strings/);
    expect(() => func({ output: "x" }, 5 as never)).toThrow(/second argument must be a function/);
  });

  it("hashes the normalised source at run time: comments and formatting do not count", () => {
    const a = func({ output: "o" }, ({ x }: { x: number }) => x * 2 /* twice */);
    // prettier-ignore
    const b = func({ output: "o" }, ({ x }: { x: number })   =>   x*2);
    const c = func({ output: "o" }, ({ x }: { x: number }) => x * 3);
    const d = func({ output: "o" }, ({ x }: { x: number }) => "x  * 2".length + x);
    const e = func({ output: "o" }, ({ x }: { x: number }) => "x * 2".length + x);
    expect(a.meta.codeHash).toBe(b.meta.codeHash);
    expect(a.meta.codeHash).not.toBe(c.meta.codeHash);
    expect(d.meta.codeHash).not.toBe(e.meta.codeHash); // whitespace inside strings counts
    expect(a.meta.codeHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("uses build info injected by the transform instead of reading the source", () => {
    const build = { v: 1, codeHash: "abcdabcdabcdabcd", depsHashes: ["1111", "2222"], inputs: ["x", "y"], defaults: ["y"], file: "src/a.ts" };
    const node = (func as unknown as (o: object, f: unknown, b: object) => { meta: Record<string, unknown> })(
      { output: "o", cache: true },
      (input: { x: number }) => input.x,
      build,
    );
    expect(node.meta).toMatchObject({ hashSource: "build", codeHash: "abcdabcdabcdabcd", inputs: ["x", "y"], defaults: ["y"], file: "src/a.ts" });
    expect(node.meta.depsHashes).toEqual(["1111", "2222"]);
  });
});
