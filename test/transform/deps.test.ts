/**
 * depsHashes: the imported files, level by level, as the import graph really is (resolution like
 * Node and TypeScript), counted by project-relative path and normalised content.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { depsHashes, transformFile } from "../helpers/transform.js";

afterAll(removeTempDirs);

const NODES = "src/nodes.ts";

function depsAfter(edit: (copy: FixtureCopy) => void, fixture = "transform-basic", file = NODES) {
  const copy = copyFixture(fixture, { linkDaft: false });
  if (fixture === "transform-workspace") installWorkspace(copy);
  const before = depsHashes(transformFile(copy, file).byOutput);
  edit(copy);
  const after = depsHashes(transformFile(copy, file).byOutput);
  return { before, after, copy };
}

/** A node's hash at `level` (1-based) as the runtime picks it: past the last level, the last one. */
function atLevel(hashes: string[], level: number): string {
  return hashes[Math.min(level, hashes.length) - 1]!;
}

/** Outputs whose hash at `level` (1-based) changed. */
function changedAt(level: number, before: Record<string, string[]>, after: Record<string, string[]>): string[] {
  return Object.keys(before).filter((name) => atLevel(before[name]!, level) !== atLevel(after[name]!, level)).sort();
}

/** What npm would have set up: a package in node_modules and a symlinked workspace package. */
function installWorkspace(copy: FixtureCopy): void {
  copy.write("node_modules/ext-pkg/package.json", JSON.stringify({ name: "ext-pkg", version: "1.0.0", main: "index.js" }));
  copy.write("node_modules/ext-pkg/index.js", "exports.helperVersion = 'one';\n");
  mkdirSync(copy.path("node_modules/@ws"), { recursive: true });
  symlinkSync(join("..", "..", "packages", "shared"), copy.path("node_modules/@ws/shared"), "dir");
}

describe("dependency levels", () => {
  it("an edit in an imported helper changes depsHashes[0] of the nodes that use it, only", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/math.ts", "value * 1.5", "value * 2.5"));
    expect(changedAt(1, before, after)).toEqual(["scaled"]);
  });

  it("an edit two levels down keeps depsHashes[0] and changes depsHashes[1]", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/deep.ts", "Math.round", "Math.floor"));
    expect(changedAt(1, before, after)).toEqual([]);
    expect(changedAt(2, before, after)).toEqual(["scaled"]);
    // cumulative: every deeper level changes too
    expect(changedAt(8, before, after)).toEqual(["scaled"]);
  });

  it("an edit three levels down first shows at depsHashes[2]", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/deeper.ts", "100", "1000"));
    expect(changedAt(2, before, after)).toEqual([]);
    expect(changedAt(3, before, after)).toEqual(["scaled"]);
  });

  it("an edit in a file nobody imports changes nothing", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/orphan.ts", "= 1", "= 2"));
    expect(after).toEqual(before);
  });

  it("a node that does not use an import is not affected by edits to it", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/only-triple.ts", "x * 3", "x * 4"));
    expect(changedAt(8, before, after)).toEqual(["tripled"]);
  });

  it("comments and formatting in an imported file do not count", () => {
    const { before, after } = depsAfter((copy) =>
      copy.edit("src/math.ts", "return round(value * 1.5);", "// rounded\n  return round( (value*1.5) ) ;"),
    );
    expect(after).toEqual(before);
  });

  it("an edit in the target of an `import type` changes nothing", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/settings-types.ts", "level: number;", "level: number;\n  name: string;"));
    expect(after).toEqual(before);
  });

  it("a side-effect import (`import \"./setup.js\"`) is a level-1 dependency of every node", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/setup.ts", "= true", "= false"));
    expect(changedAt(1, before, after)).toEqual(Object.keys(before).sort());
  });

  it("a JSON asset counts by content", () => {
    const { before, after } = depsAfter((copy) => copy.edit("src/table.json", '"b": 2', '"b": 3'));
    expect(changedAt(1, before, after)).toEqual(["looked"]);
  });

  it("import cycles terminate, each file counted once", () => {
    const copy = copyFixture("transform-basic", { linkDaft: false });
    const { byOutput } = transformFile(copy, NODES);
    const files = byOutput.cycled!.depsFiles!.map(([path, level]) => `${level}:${path}`);
    expect(files).toEqual(["1:src/cycle/cycle-a.ts", "1:src/setup.ts", "2:src/cycle/cycle-b.ts"]);
    const { before, after } = depsAfter((c) => c.edit("src/cycle/cycle-b.ts", "+ left", "- left"));
    expect(changedAt(1, before, after)).toEqual([]);
    expect(changedAt(2, before, after)).toEqual(["cycled"]);
  });
});

describe("resolution", () => {
  it("maps `.js` to `.ts` and follows tsconfig paths (through `extends`)", () => {
    const copy = copyFixture("transform-basic", { linkDaft: false });
    const { byOutput, warnings } = transformFile(copy, NODES);
    expect(warnings).toEqual([]);
    expect(byOutput.scaled!.depsFiles!.map(([path, level]) => `${level}:${path}`)).toEqual([
      "1:src/math.ts",
      "1:src/setup.ts",
      "2:src/deep.ts",
      "3:src/deeper.ts",
    ]);
    expect(byOutput.labelled!.depsFiles!.map(([path]) => path)).toContain("src/lib/format.ts");
    expect(byOutput.looked!.depsFiles!.map(([path]) => path)).toContain("src/table.json");
  });

  it("a TypeScript importer of `./x.js` gets x.ts even when a compiled x.js sits next to it; a JavaScript one gets x.js", () => {
    const copy = copyFixture("transform-basic", { linkDaft: false });
    copy.write("src/math.js", "export function scale(value) { return value * 1.5; }\n");
    const { byOutput } = transformFile(copy, NODES);
    expect(byOutput.scaled!.depsFiles!.map(([path]) => path)).toContain("src/math.ts");
    expect(byOutput.scaled!.depsFiles!.map(([path]) => path)).not.toContain("src/math.js");
    copy.write("src/uses-math.js", 'import { func } from "daft";\nimport { scale } from "./math.js";\nexport const s = func({ output: "s" }, ({ x }) => scale(x));\n');
    const fromJs = transformFile(copy, "src/uses-math.js").byOutput.s!;
    expect(fromJs.depsFiles!.map(([path]) => path)).toEqual(["src/math.js"]);
  });

  it("counts a package in node_modules by name@version, and a version bump changes the hash", () => {
    const { before, after, copy } = depsAfter(
      (c) => c.edit("node_modules/ext-pkg/package.json", '"version":"1.0.0"', '"version":"1.0.1"'),
      "transform-workspace",
      "packages/app/src/pipeline.ts",
    );
    expect(changedAt(1, before, after)).toEqual(["viaPackage"]);
    const { byOutput } = transformFile(copy, "packages/app/src/pipeline.ts");
    expect(byOutput.viaPackage!.depsFiles).toContainEqual(["npm:ext-pkg", 1, "1.0.1"]);
  });

  it("descends into a symlinked workspace package as source (through its `exports` source condition)", () => {
    const { before, after, copy } = depsAfter(
      (c) => c.edit("packages/shared/src/index.ts", "x * 10", "x * 20"),
      "transform-workspace",
      "packages/app/src/pipeline.ts",
    );
    expect(changedAt(1, before, after)).toEqual(["viaWorkspace"]);
    const { byOutput } = transformFile(copy, "packages/app/src/pipeline.ts");
    expect(byOutput.viaWorkspace!.depsFiles!.map(([path]) => path)).toEqual(["packages/shared/src/index.ts"]);
  });

  it("counts built-ins by name, resolves `#imports`, literal dynamic imports and `new URL(…, import.meta.url)` assets", () => {
    const copy = copyFixture("transform-workspace", { linkDaft: false });
    installWorkspace(copy);
    const { byOutput } = transformFile(copy, "packages/app/src/pipeline.ts");
    expect(byOutput.viaBuiltin!.depsFiles).toEqual([["node:fs", 1, "builtin"]]);
    expect(byOutput.viaImportsMap!.depsFiles!.map(([path]) => path)).toEqual(["packages/app/src/internal/tidy.ts"]);
    expect(byOutput.viaDynamic!.depsFiles!.map(([path]) => path)).toEqual(["packages/app/src/lazy.ts"]);
    expect(byOutput.viaAsset!.depsFiles!.map(([path]) => path)).toEqual(["packages/app/src/weights.txt"]);
    for (const [edit, output] of [
      ["packages/app/src/internal/tidy.ts", "viaImportsMap"],
      ["packages/app/src/lazy.ts", "viaDynamic"],
      ["packages/app/src/weights.txt", "viaAsset"],
    ] as const) {
      const { before, after } = depsAfter((c) => c.write(edit, c.read(edit).replace(/trim\(\)|x \+ 1|$/, (found) => (found ? `${found} + ""` : "weights"))), "transform-workspace", "packages/app/src/pipeline.ts");
      expect(changedAt(1, before, after), edit).toEqual([output]);
    }
  });

  it("warns about an unresolvable import and counts it by its specifier", () => {
    const copy = copyFixture("transform-workspace", { linkDaft: false });
    installWorkspace(copy);
    const { byOutput, warnings } = transformFile(copy, "packages/app/src/pipeline.ts");
    expect(byOutput.viaMissing!.depsFiles).toEqual([["./does-not-exist.js", 1, "unresolved"]]);
    expect(warnings.some((warning) => warning.includes('cannot resolve "./does-not-exist.js"') && warning.includes("packages/app/src/pipeline.ts"))).toBe(true);
    // once the file exists, it is counted by content
    copy.write("packages/app/src/does-not-exist.ts", "export const missing = (x: number) => x;\n");
    const later = transformFile(copy, "packages/app/src/pipeline.ts");
    expect(later.byOutput.viaMissing!.depsFiles).toEqual([["packages/app/src/does-not-exist.ts", 1, expect.any(String)]]);
    expect(later.byOutput.viaMissing!.depsHashes[0]).not.toBe(byOutput.viaMissing!.depsHashes[0]);
  });

  it("follows CommonJS `require` of modules and JSON", () => {
    const { before, after, copy } = depsAfter((c) => c.edit("packages/cjs-tool/weight.cjs", "4", "5"), "transform-workspace", "packages/cjs-tool/nodes.cjs");
    expect(changedAt(1, before, after)).toEqual(["weighted"]);
    const { byOutput } = transformFile(copy, "packages/cjs-tool/nodes.cjs");
    expect(byOutput.weighted!.depsFiles!.map(([path]) => path).sort()).toEqual(["packages/cjs-tool/config.json", "packages/cjs-tool/weight.cjs"]);
    expect(byOutput.weighted!.file).toBe("packages/cjs-tool/nodes.cjs");
  });

  it("uses the workspace root as project root for every package", () => {
    const copy = copyFixture("transform-workspace", { linkDaft: false });
    installWorkspace(copy);
    const { byOutput } = transformFile(copy, "packages/app/src/pipeline.ts");
    expect(byOutput.viaWorkspace!.file).toBe("packages/app/src/pipeline.ts");
  });

  it("depsHashes has one entry per level reached, or maxDependencyDepth entries and depsLimited when the code goes deeper", () => {
    const copy = copyFixture("transform-basic", { linkDaft: false });
    const whole = transformFile(copy, NODES).byOutput.scaled!;
    expect(whole.depsHashes).toHaveLength(3);
    expect(whole.depsLimited).toBeUndefined();
    const shallow = transformFile(copy, NODES, { maxDependencyDepth: 2 }).byOutput.scaled!;
    expect(shallow.depsHashes).toHaveLength(2);
    expect(shallow.depsLimited).toBe(true);
    expect(transformFile(copy, NODES, { maxDependencyDepth: 3 }).byOutput.scaled!.depsLimited).toBeUndefined();
    // level 3 is not reached at all
    expect(shallow.depsFiles!.map(([path]) => path)).not.toContain("src/deeper.ts");
  });
});
