/**
 * Injecting build info into code another loader compiled (tsx registered before daft): the
 * compiled code is minified onto one line with an inline source map, the build info goes in
 * at each func call, and the map must still send every later token to its original line and
 * column — it is what Node uses for stack traces. Checked with esbuild (what tsx runs) and
 * Node's own source-map reader, on calls spread over several lines.
 */
import { SourceMap } from "node:module";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import type { BuildInfo } from "../../src/build-info.js";
import { ForeignCodeInjector } from "../../src/transform/cold/foreign-code.js";

const SOURCE = `import { func } from "daft";

interface In { x: number }
export const first = func({ output: "a" }, ({ x }: In) => x + 1); export const mark1 = 1;
export const second = func(
  { output: "b" },
  ({ a }: { a: number }) => a * 2,
); export const mark2 = 2;
// a comment that the compiler drops
export const third = func({ output: "c" }, ({ b }: { b: number }) => b - 3); export const mark3 = 3;
`;

const info = (codeHash: string, inputs: string[]): BuildInfo => ({ v: 1, codeHash, depsHashes: ["d1"], inputs, defaults: [], file: "src/p.ts" });
const INFOS = [info("aaaa", ["x"]), info("bbbb", ["a"]), info("cccc", ["b"])];

function inlineMap(code: string): SourceMap {
  const base64 = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(code)![1]!;
  return new SourceMap(JSON.parse(Buffer.from(base64, "base64").toString("utf8")));
}

/** 0-based [line, column] of `needle` in `text`. */
function positionOf(text: string, needle: string): [number, number] {
  const index = text.indexOf(needle);
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  return [line, index - (before.lastIndexOf("\n") + 1)];
}

describe("build info injected into compiled code", () => {
  const compiled = transformSync(SOURCE, { loader: "ts", format: "esm", minifyWhitespace: true, sourcemap: "inline", sourcefile: "p.ts" }).code;

  it("goes into each func call, in order, on the compiled code's lines", () => {
    const result = new ForeignCodeInjector(undefined, () => {}).inject(compiled, "/project/src/p.ts", INFOS);
    if (!("code" in result)) throw new Error(result.problem);
    expect(result.code.split("\n").length).toBe(compiled.split("\n").length);
    const order = ["aaaa", "bbbb", "cccc"].map((hash) => result.code.indexOf(`"codeHash":"${hash}"`));
    expect(order.every((index, i) => index > 0 && (i === 0 || index > order[i - 1]!))).toBe(true);
  });

  it("keeps the inline source map pointing at the original positions", () => {
    const result = new ForeignCodeInjector(undefined, () => {}).inject(compiled, "/project/src/p.ts", INFOS);
    if (!("code" in result)) throw new Error(result.problem);
    const before = inlineMap(compiled);
    const after = inlineMap(result.code);
    for (const marker of ["mark1", "mark2", "mark3"]) {
      const [originalLine, originalColumn] = positionOf(SOURCE, marker);
      const [line, column] = positionOf(result.code, marker);
      const entry = after.findEntry(line, column) as { originalLine: number; originalColumn: number };
      expect([entry.originalLine, entry.originalColumn], marker).toEqual([originalLine, originalColumn]);
      // The compiler's own map agreed before the insertion, so the test compares like with like.
      const [compiledLine, compiledColumn] = positionOf(compiled, marker);
      const original = before.findEntry(compiledLine, compiledColumn) as { originalLine: number; originalColumn: number };
      expect([original.originalLine, original.originalColumn], marker).toEqual([originalLine, originalColumn]);
    }
  });

  it("refuses code whose calls do not match the file's", () => {
    const injector = new ForeignCodeInjector(undefined, () => {});
    expect(injector.inject(compiled, "/project/src/p.ts", INFOS.slice(0, 2))).toEqual({
      problem: "the compiled code has 3 func call(s) where the file has 2",
    });
    const swapped = [INFOS[1]!, INFOS[0]!, INFOS[2]!];
    expect(injector.inject(compiled, "/project/src/p.ts", swapped)).toEqual({
      problem: "call 1 takes (x) in the compiled code but (a) in the file",
    });
  });
});
