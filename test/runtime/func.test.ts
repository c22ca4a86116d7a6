import { describe, expect, it } from "vitest";
import { DefinitionError, func } from "../../src/index.js";
import { normaliseSource } from "../../src/runtime-source/scan.js";

/** A function from source text exactly as written (test files are reprinted by the TS transform). */
const fromSource = <T>(source: string): T => (0, eval)(`(${source})`) as T;
const runtimeHash = (source: string) => func({ output: "o", inputs: ["x"] }, fromSource<(input: { x: number }) => unknown>(source)).meta.codeHash;

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

  it("keeps the line breaks that change meaning: two sources that behave differently never hash alike", () => {
    const pairs: [string, string][] = [
      ["({ x }) => { return\n x * 2 }", "({ x }) => { return x * 2 }"],
      ["({ x }) => { return /* a comment with a\n line break */ x }", "({ x }) => { return /* a comment */ x }"],
      ["({ x }) => { return // a line comment\n x }", "({ x }) => { return x }"],
      ["({ x }) => { let a = x, b = 1\n++b\n return [a, b] }", "({ x }) => { let a = x, b = 1\n a++\nb\n return [a, b] }"],
      ["({ x }) => { const é = x, returné = 0; return é }", "({ x }) => { const é = x, returné = 0; returné }"],
      ["({ x }) => x + 1 .e5", "({ x }) => x + 1.e5"],
      ["({ x }) => { function* g() { yield\n x } return g().next().value }", "({ x }) => { function* g() { yield x } return g().next().value }"],
    ];
    for (const [left, right] of pairs) {
      const run = (source: string) => fromSource<(input: { x: number }) => unknown>(source)({ x: 21 });
      expect(run(left), left).not.toEqual(run(right));
      expect(runtimeHash(left), left).not.toBe(runtimeHash(right));
    }
  });

  it("still ignores formatting that cannot change meaning: indentation, line breaks between statements and in chains", () => {
    const variants = [
      "({ x }) => { const a = x * 2; return [a].map((n) => n + 1).filter(Boolean) }",
      "({ x }) => {\n  const a = x * 2;\n  return [a]\n    .map((n) => n + 1)\n    .filter(Boolean)\n}",
      "({ x }) => {\tconst a = x *\n 2;\n\n return [a].map((n) =>\n n + 1).filter(\n  Boolean\n ) }",
    ];
    for (const variant of variants) expect(runtimeHash(variant), variant).toBe(runtimeHash(variants[0]!));
    expect(runtimeHash("({ x }) => { if (x) return\n}")).toBe(runtimeHash("({ x }) => { if (x) return }"));
  });

  it("normalises as before wherever no line break matters (runtime hashes of existing code stay)", () => {
    expect(normaliseSource("function add({ a, b = 1 }) {\n  // sum\n  return a + b; /* done */\n}")).toBe("function add({a,b=1}){ return a+b; }");
    expect(normaliseSource("(x) => x - -1 + +x")).toBe("(x)=>x- -1+ +x");
    expect(normaliseSource('async ({ path }) => { const text = await read(path, "utf8");\n return text.split("\\n") }')).toBe('async({path})=>{const text=await read(path,"utf8");return text.split("\\n")}');
  });

  it("refuses a bound or native function as a cached node without build info: its source cannot be read", () => {
    function score(this: { weight: number }, { x }: { x: number }) {
      return x * this.weight;
    }
    const bound = score.bind({ weight: 2 });
    expect(() => func({ output: "scored", cache: true, inputs: ["x"] }, bound)).toThrow(DefinitionError);
    expect(() => func({ output: "scored", cache: true, inputs: ["x"] }, bound)).toThrow(
      /func "bound score" \(output "scored"\): its function is a bound function \(made with \.bind\(\)\), whose source daft cannot read.*Pass the function itself.*node --import daft\/loader/,
    );
    expect(() => func({ output: "m", cache: true, inputs: ["x"] }, Math.max as never)).toThrow(/func "max" \(output "m"\): its function is a native function or a Proxy around one/);
    expect(() => func({ output: "p", cache: true, inputs: ["x"] }, new Proxy(score, {}))).toThrow(/a native function or a Proxy around one/);
    // Not cached: no code hash is needed. Built: the transform hashed the declaring code.
    expect(func({ output: "scored", inputs: ["x"] }, bound)({ x: 3 })).toBe(6);
    const build = { v: 1, codeHash: "abcdabcdabcdabcd", depsHashes: [], inputs: ["x"], defaults: [] };
    const built = (func as unknown as (o: object, f: unknown, b: object) => { meta: { hashSource: string } })({ output: "scored", cache: true }, bound, build);
    expect(built.meta.hashSource).toBe("build");
    // A real function that merely mentions "[native code]" is read as usual.
    expect(func({ output: "text", cache: true }, ({ x }: { x: number }) => `${x} [native code]`).meta.inputs).toEqual(["x"]);
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
