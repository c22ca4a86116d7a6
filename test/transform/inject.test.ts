/**
 * The injected output: still valid code, on the same lines, with a source map; identical wherever
 * the project lives; pinned byte for byte by a golden output.
 */
import { decode } from "@jridgewell/sourcemap-codec";
import { parse } from "@babel/parser";
import { afterAll, describe, expect, it } from "vitest";
import { createTransformer, transformCode } from "../../src/transform/index.js";
import { copyFixture, makeTempDir, fixtureHandle, removeTempDirs } from "../helpers/fixture.js";
import { transformFile } from "../helpers/transform.js";

afterAll(removeTempDirs);

const GOLDEN_LINE =
  "  ({ x, bonus = BASE }: { x: number; bonus?: number }) => twice(x) + bonus, " +
  '{"v":1,"codeHash":"c5597aa572b6c327","codeParts":{"own":"5e148790a8f57a8c","imports":"38ba92b8dc9a35c3"},' +
  '"depsHashes":["f78aa36783103569","f78aa36783103569","f78aa36783' +
  '103569","f78aa36783103569","f78aa36783103569","f78aa36783103569","f78aa36783103569","f78aa3678310356' +
  '9"],"inputs":["x","bonus"],"defaults":["bonus"],"file":"src/golden.ts","depsFiles":[["src/twice.ts",' +
  '1,"5ac18774785d6bc1"]]}';

describe("golden output", () => {
  it("pins the whole injected output of one file", () => {
    const copy = copyFixture("transform-golden", { linkDaft: false });
    const source = copy.read("src/golden.ts");
    const { result } = transformFile(copy, "src/golden.ts");
    const lines = source.split("\n");
    expect(lines[8]).toBe("  ({ x, bonus = BASE }: { x: number; bonus?: number }) => twice(x) + bonus,");
    lines[8] = GOLDEN_LINE;
    expect(result.code).toBe(lines.join("\n"));
  });
});

describe("injected code", () => {
  function project(files: Record<string, string>) {
    const dir = makeTempDir();
    const handle = fixtureHandle(dir);
    handle.write("package.json", '{ "name": "inline", "type": "module" }');
    for (const [name, content] of Object.entries(files)) handle.write(name, content);
    return handle;
  }

  const cases: Record<string, string> = {
    "trailing comma": 'import { func } from "daft";\nexport const a = func({ output: "a" }, ({ x }) => x,);\n',
    "trailing comma and comments":
      'import { func } from "daft";\nexport const a = func(\n  { output: "a" },\n  ({ x }) => x, // the function\n  /* done */\n);\n',
    "comment after the last argument": 'import { func } from "daft";\nexport const a = func({ output: "a" }, ({ x }) => x /* a, b */);\n',
    "line comment before the closing parenthesis": 'import { func } from "daft";\nexport const a = func({ output: "a" }, ({ x }) => x // why\n);\n',
    "parenthesised function": 'import { func } from "daft";\nexport const a = func({ output: "a" }, (({ x }) => x));\n',
    "multi-line call": 'import { func } from "daft";\nexport const a = func(\n  {\n    output: "a",\n  },\n  ({ x }) => {\n    return x;\n  }\n);\nexport const after = 1;\n',
    "nested call in a function": 'import { func } from "daft";\nexport function make() {\n  return [func({ output: "a" }, ({ x }) => x), func({ output: "b" }, ({ a }) => a)];\n}\n',
  };

  it.each(Object.entries(cases))("%s: parses, keeps every line, and has a source map", (_name, code) => {
    const files = project({ "src/a.js": code });
    const result = transformCode(code, files.path("src/a.js"))!;
    expect(result).toBeDefined();
    const output = result.code;
    expect(output).not.toBe(code);
    expect(() => parse(output, { sourceType: "module" })).not.toThrow();
    expect(output.split("\n")).toHaveLength(code.split("\n").length);
    // every line without an injection is unchanged
    const before = code.split("\n");
    output.split("\n").forEach((line, index) => {
      if (!line.includes('"codeHash"')) expect(line).toBe(before[index]);
    });
    const injected = [...output.matchAll(/\{"v":1,[^\n]*?"file":"src\/a\.js"[^\n]*?\}/g)];
    expect(injected.length).toBe(result.buildInfos.length);

    const map = result.map;
    expect(map.sources).toEqual(["a.js"]);
    expect(map.sourcesContent).toEqual([code]);
    const lines = decode(map.mappings);
    expect(lines).toHaveLength(before.length);
    // hires: the first character of each non-empty line maps to itself; on a line that starts
    // with the insertion, it maps from just after it
    const outputLines = output.split("\n");
    before.forEach((line, index) => {
      if (line.length === 0) return;
      const shift = outputLines[index]!.startsWith(", {") ? outputLines[index]!.length - line.length : 0;
      expect(lines[index]![0]).toEqual([shift, 0, index, 0]);
    });
  });

  it("the same project at two different paths gives byte-identical output and map", () => {
    const first = copyFixture("transform-basic", { linkDaft: false });
    const second = copyFixture("transform-basic", { into: "deeper/elsewhere", linkDaft: false });
    expect(first.dir).not.toBe(second.dir);
    const a = transformFile(first, "src/nodes.ts").result;
    const b = transformFile(second, "src/nodes.ts").result;
    expect(b.code).toBe(a.code);
    expect(b.buildInfos).toEqual(a.buildInfos);
    expect(JSON.stringify(b.map)).toBe(JSON.stringify(a.map));
    expect(a.code).not.toContain(first.dir);
    // watchFiles are absolute (for the bundler), in the right project
    expect(a.watchFiles.every((file) => file.startsWith(first.dir))).toBe(true);
    expect(a.watchFiles).toContain(first.path("src/deep.ts"));
  });
});

describe("syntax errors", () => {
  it("a file that does not parse is not transformed, and a warning says where", () => {
    const copy = copyFixture("transform-golden", { linkDaft: false });
    const warnings: string[] = [];
    const transformer = createTransformer({ onWarning: (message) => warnings.push(message) });
    const code = copy.read("src/golden.ts").replace("twice(x) + bonus", "twice(x) +");
    expect(transformer.transform(code, copy.path("src/golden.ts"))).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^daft transform: src\/golden\.ts:9:\d+: syntax error/);
  });

  it("a dependency that does not parse gives a warning and counts by its bytes", () => {
    const copy = copyFixture("transform-golden", { linkDaft: false });
    const first = transformFile(copy, "src/broken-dep.ts");
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings[0]).toContain("src/broken.ts does not parse");
    // by bytes: even a comment edit changes the hash (it cannot be normalised)
    copy.edit("src/broken.ts", "// this file", "// this broken file");
    const second = transformFile(copy, "src/broken-dep.ts");
    expect(second.byOutput.usesBroken!.depsHashes[0]).not.toBe(first.byOutput.usesBroken!.depsHashes[0]);
    expect(second.byOutput.usesBroken!.codeHash).toBe(first.byOutput.usesBroken!.codeHash);
  });
});
