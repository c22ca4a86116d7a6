/**
 * Which calls the transform rewrites (daft's `func` under any name, in every module format and
 * extension) and which it must leave alone; and the input names it injects.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createTransformer, mightContainFunc, shouldTransform, transformCode } from "../../src/transform/index.js";
import { copyFixture, removeTempDirs } from "../helpers/fixture.js";
import { transformFile } from "../helpers/transform.js";

afterAll(removeTempDirs);

const copy = copyFixture("transform-detection", { linkDaft: false });

function injectedCount(file: string): number {
  const result = createTransformer().transform(copy.read(file), copy.path(file));
  return result ? result.buildInfos.length : 0;
}

describe("finding calls of daft's func", () => {
  it.each([
    ["src/alias.ts", 1, "import { func as node }"],
    ["src/namespace.ts", 2, "import * as daft; daft.func and daft[\"func\"]"],
    ["src/destructured.cjs", 2, "const { func } = require(\"daft\"), also renamed"],
    ["src/required.cjs", 2, "const d = require(\"daft\"); d.func, and (0, d.func)(…)"],
    ["src/dynamic.mjs", 1, "const { func } = await import(\"daft\")"],
    ["src/component.jsx", 1, ".jsx"],
    ["src/react-in-js.js", 1, "JSX in a .js file"],
    ["src/view.tsx", 1, ".tsx"],
    ["src/module.mts", 1, ".mts"],
    ["src/common.cts", 1, ".cts"],
  ])("%s: %i call(s) (%s)", (file, expected) => {
    expect(injectedCount(file)).toBe(expected);
  });

  it("ignores a local binding or parameter named func that shadows the import", () => {
    const code = copy.read("src/shadowed.ts");
    const result = createTransformer().transform(code, copy.path("src/shadowed.ts"))!;
    expect(result.buildInfos).toHaveLength(1);
    const lines = result.code.split("\n");
    expect(lines.find((line) => line.includes('output: "real"'))).toContain('"codeHash"');
    expect(lines.find((line) => line.includes('output: "fake"'))).not.toContain('"codeHash"');
    expect(lines.find((line) => line.includes('output: "alsoFake"'))).not.toContain('"codeHash"');
  });

  it("ignores a func imported from another package", () => {
    expect(mightContainFunc(copy.read("src/not-daft.ts"))).toBe(true);
    expect(injectedCount("src/not-daft.ts")).toBe(0);
  });

  it("leaves already transformed code alone (no second injection)", () => {
    const once = createTransformer().transform(copy.read("src/alias.ts"), copy.path("src/alias.ts"))!;
    expect(createTransformer().transform(once.code, copy.path("src/alias.ts"))).toBeUndefined();
  });

  it("skips node_modules, declaration files, other extensions and virtual modules", () => {
    const code = copy.read("src/alias.ts");
    expect(transformCode(code, copy.path("node_modules/lib/index.ts"))).toBeUndefined();
    expect(transformCode(code, copy.path("src/alias.d.ts"))).toBeUndefined();
    expect(transformCode(code, copy.path("src/alias.vue"))).toBeUndefined();
    expect(transformCode(code, "\0virtual:alias.ts")).toBeUndefined();
    // a bundler query string does not hide the extension
    expect(transformCode(code, `${copy.path("src/alias.ts")}?v=123`)?.buildInfos).toHaveLength(1);
    expect(shouldTransform(copy.path("src/alias.ts"), code)).toBe(true);
    expect(shouldTransform(copy.path("src/alias.ts"), "export const x = 1;")).toBe(false);
  });
});

describe("mightContainFunc", () => {
  it.each([
    ['import { func } from "daft";', true],
    ["import { func } from 'daft'", true],
    ['const { func } = require("daft")', true],
    ["const d = await import(`daft`)", true],
    ["import * as d from 'daft';", true],
    ["// daft is mentioned in a comment only\nexport const x = 1;", false],
    ['import { x } from "daft-utils";', false],
    ["export const plain = 1;", false],
  ])("%s → %s", (code, expected) => {
    expect(mightContainFunc(code)).toBe(expected);
  });
});

describe("input names and defaults", () => {
  const { byOutput, warnings } = transformFile(copy, "src/inputs.ts");

  it.each([
    ["defaults", ["x", "offset", "a-b", "c", "n"], ["offset", "n"]],
    ["wholeDefault", ["x"], []],
    ["none", [], []],
    ["asyncFn", ["x"], []],
    ["withThis", ["x"], []],
    ["restExplicit", ["x", "y"], []],
    ["plainExplicit", ["x"], []],
    ["byDeclaration", ["p", "q"], ["q"]],
    ["byConst", ["r"], []],
    ["wrapped", ["s"], []],
  ])("%s: inputs %j, defaults %j", (output, inputs, defaults) => {
    expect(byOutput[output]!.inputs).toEqual(inputs);
    expect(byOutput[output]!.defaults).toEqual(defaults);
  });

  it.each([
    ["rest", "rest element"],
    ["plain", "not a destructured object"],
    ["computed", "computed key"],
  ])("%s: no input names, and a warning naming the node and the fix", (output, problem) => {
    expect(byOutput[output]!.inputs).toBeUndefined();
    expect(byOutput[output]!.defaults).toBeUndefined();
    const warning = warnings.find((message) => message.includes(`output "${output}"`));
    expect(warning).toContain(problem);
    expect(warning).toContain("src/inputs.ts:");
    expect(warning).toContain("inputs: [");
  });

  it("gives no other warnings", () => {
    expect(warnings).toHaveLength(3);
  });
});
