/**
 * The binding-level closure as the transform computes it, on fixtures/loader-pipeline/src/closure
 * (the loader test runs the same nodes and edits end to end): what a node's hashes cover and what
 * they leave out, local renames, depth limits, and the warnings for what cannot be followed.
 */
import { readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CacheConfig, func, MemoryCache, Pipeline, Runner } from "../../src/index.js";
import { createTransformer } from "../../src/transform/index.js";
import { copyFixture, removeTempDirs, repoRoot, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { transformFile } from "../helpers/transform.js";

afterAll(removeTempDirs);

const NODES = "src/closure/nodes.mjs";
const LIB = "src/closure/lib";

function fixture(): FixtureCopy {
  return copyFixture("loader-pipeline", { linkDaft: false });
}

/** Each node's code hash and whole-closure hash. */
function hashes(copy: FixtureCopy, file = NODES): Record<string, string> {
  return Object.fromEntries(Object.entries(transformFile(copy, file).byOutput).map(([output, info]) => [output, `${info.codeHash}/${info.depsHashes.at(-1)}`]));
}

function changedBy(edit: (copy: FixtureCopy) => void, file = NODES): string[] {
  const copy = fixture();
  const before = hashes(copy, file);
  edit(copy);
  const after = hashes(copy, file);
  return Object.keys(before).filter((output) => before[output] !== after[output]).sort();
}

describe("binding-level closure", () => {
  it("lists the modules whose code a node reaches, not the barrel's other re-exports or unreached files", () => {
    const { byOutput } = transformFile(fixture(), NODES);
    const files = (output: string): string[] => byOutput[output]!.depsFiles!.map(([path]) => path).sort();
    // The barrel only passes names through: it has no code of its own that runs.
    expect(files("doubled")).toEqual([`${LIB}/numbers.mjs`]);
    expect(files("scaled")).toEqual([`${LIB}/scale.mjs`]);
    expect(files("registered")).toEqual([`${LIB}/numbers.mjs`, `${LIB}/registry.mjs`]);
    expect(files("templated")).toEqual(["src/closure/templates/one.mjs", "src/closure/templates/two.mjs"]);
  });

  it("does not change for code the node cannot execute", () => {
    expect(changedBy((copy) => copy.edit(`${LIB}/numbers.mjs`, "return x - 1;", "return x - 2;")), "unused neighbour").toEqual([]);
    expect(changedBy((copy) => copy.edit(`${LIB}/unused.mjs`, "x * 100", "x * 1000")), "unused re-export of a barrel").toEqual([]);
    expect(changedBy((copy) => copy.write(`${LIB}/numbers.mjs`, `${copy.read(`${LIB}/numbers.mjs`)}\nexport const added = 1;\n`)), "export added").toEqual([]);
  });

  it("changes for code the node can execute, binding by binding", () => {
    expect(changedBy((copy) => copy.edit(`${LIB}/numbers.mjs`, "x * 2", "x * 3"))).toEqual(["doubled", "registered"]);
    expect(changedBy((copy) => copy.edit(`${LIB}/scale.mjs`, "x * 3", "x * 4")), "let assigned later").toEqual(["scaled"]);
    expect(changedBy((copy) => copy.edit(`${LIB}/shapes.mjs`, "return 0;", "return -1;")), "superclass method").toEqual(["shaped"]);
    expect(changedBy((copy) => copy.edit(`${LIB}/shapes.mjs`, '"square"', '"Square"')), "prototype assignment").toEqual(["shaped"]);
    expect(changedBy((copy) => copy.edit(`${LIB}/registry.mjs`, "(x) => -x", "(x) => 0 - x")), "registry entry").toEqual(["registered"]);
    expect(
      changedBy((copy) => copy.edit(`${LIB}/shapes.mjs`, "export class Shape {", 'globalThis.shapes = "loaded";\n\nexport class Shape {')),
      "top-level statement added to a reached module",
    ).toEqual(["shaped"]);
    expect(changedBy((copy) => copy.edit("src/closure/templates/two.mjs", "two", "dos")), "a file the template import() can load").toEqual(["templated"]);
  });

  it("sees a file added to a folder a template import() lists, even when the cache file answers the rest", () => {
    const copy = fixture();
    const cacheFile = copy.path(".cache/daft-transform.json");
    // Everything written an hour ago, so stamps are trusted by stat alone.
    const past = new Date(Date.now() - 3_600_000);
    for (const entry of readdirSync(copy.dir, { withFileTypes: true, recursive: true })) utimesSync(join(entry.parentPath, entry.name), past, past);
    utimesSync(copy.dir, past, past);
    const cached = () => createTransformer({ persistentCacheFile: cacheFile });
    const templatedFiles = (transformer: ReturnType<typeof cached>) => {
      const info = transformFile(copy, NODES, { transformer }).byOutput.templated!;
      return { files: info.depsFiles!.map(([path]) => path).filter((path) => path.includes("templates/")).sort(), deps: info.depsHashes.at(-1) };
    };
    const first = cached();
    const before = templatedFiles(first);
    expect(before.files).toEqual(["src/closure/templates/one.mjs", "src/closure/templates/two.mjs"]);
    first.save();
    const unchanged = cached();
    expect(templatedFiles(unchanged)).toEqual(before);
    expect(unchanged.stats.warmHits).toBe(1);

    copy.write("src/closure/templates/three.mjs", 'export function render(x) {\n  return `three ${x}`;\n}\n');
    const added = cached();
    const after = templatedFiles(added);
    expect(added.stats.warmHits).toBe(0);
    expect(after.files).toEqual(["src/closure/templates/one.mjs", "src/closure/templates/three.mjs", "src/closure/templates/two.mjs"]);
    expect(after.deps).not.toBe(before.deps);
    added.save();

    // And an edit of the new file now changes the node's hashes.
    copy.edit("src/closure/templates/three.mjs", "three", "drei");
    expect(templatedFiles(cached()).deps).not.toBe(after.deps);
  });

  it("counts the node's own module's top-level statements in its code hash", () => {
    const copy = fixture();
    const before = transformFile(copy, "src/closure/offset.mjs").byOutput.offset!;
    copy.edit("src/closure/offset.mjs", "setOffset(1);", "setOffset(1);\nsetOffset(3);");
    const after = transformFile(copy, "src/closure/offset.mjs").byOutput.offset!;
    expect(after.codeHash).not.toBe(before.codeHash);
  });

  it("ignores renames of local variables and parameters, in the node and in what it reaches", () => {
    expect(
      changedBy((copy) => {
        copy.edit(NODES, "const square = new Square(x);\n  return `${square.describe()} ${square.label()}`;", "const shape = new Square(x);\n  return `${shape.describe()} ${shape.label()}`;");
        copy.edit(`${LIB}/shapes.mjs`, "constructor(side) {\n    super();\n    this.side = side;", "constructor(length) {\n    super();\n    this.side = length;");
        copy.edit(`${LIB}/registry.mjs`, "(x) => -x", "(value) => -value");
      }),
    ).toEqual([]);
    // …but not a rename that changes what the code refers to.
    expect(changedBy((copy) => copy.edit(`${LIB}/shapes.mjs`, "this.side = side;", "this.length = side;"))).toEqual(["shaped"]);
  });

  it("follows every level by default; a maxDependencyDepth that stops short says so, and a deeper dependencyDepth is refused", async () => {
    const copy = fixture();
    const byOutput = transformFile(copy, NODES).byOutput;
    expect(byOutput.registered!.depsHashes).toHaveLength(2); // registry.mjs, then numbers.mjs
    expect(byOutput.scaled!.depsLimited).toBeUndefined();
    const barrel = byOutput.doubled!;
    expect(barrel.depsHashes).toHaveLength(2); // the barrel, then numbers.mjs
    const limited = transformFile(copy, NODES, { maxDependencyDepth: 1 }).byOutput.doubled!;
    expect(limited.depsHashes).toEqual([barrel.depsHashes[0]]);
    expect(limited.depsLimited).toBe(true);

    const node = func({ output: "doubled", cache: true }, ({ x }: { x: number }) => x * 2, limited);
    const pipeline = new Pipeline({ functions: [node] });
    const run = (dependencyDepth?: number) =>
      new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), dependencyDepth, verbose: false }) }).run(pipeline, { x: 2 });
    await expect(run(1)).resolves.toMatchObject({ doubled: 4 });
    await expect(run()).rejects.toThrow(/node "doubled": dependencyDepth Infinity asks for more import levels than its build info holds \(1/);
    await expect(run(3)).rejects.toThrow(/raise maxDependencyDepth/);
  });

  it("warns about an import() it cannot follow, with file and line, and suggests files", () => {
    const { warnings } = transformFile(fixture(), "src/closure/warnings.mjs");
    expect(warnings).toContainEqual(expect.stringMatching(/src\/closure\/warnings\.mjs:4: import\(\) or require\(\) of a computed specifier.*files option/));
  });

  it("warns about a module that re-exports daft's func, saying what happens to the calls through it", () => {
    const copy = fixture();
    copy.write("src/closure/uses-wrap.mjs", 'import { func } from "daft";\nexport { func as wrapped } from "daft";\nexport const n = func({ output: "n" }, ({ x }) => x);\n');
    const { warnings } = transformFile(copy, "src/closure/uses-wrap.mjs");
    expect(warnings).toContainEqual(expect.stringMatching(/uses-wrap\.mjs:2:1: re-exports daft's func: a module that calls it through here and never names "daft".*at their first call.*in a bundle they get none/));
  });
});

describe("func called through a wrapper module", () => {
  const PIPELINE = "src/wrapped/pipeline.mjs";

  it("finds the calls made through the wrapper, its barrel and its namespace, and stamps the modules on the way", () => {
    const copy = fixture();
    const transformer = createTransformer();
    const code = copy.read(PIPELINE);
    // The module never names "daft": the check hosts run on every module turns it away…
    expect(transformer.transform(code, copy.path(PIPELINE))).toBeUndefined();
    // …and the runtime, which knows a func call runs there, has it transformed.
    const result = transformer.transform(code, copy.path(PIPELINE), { callsFunc: true })!;
    expect(result.buildInfos.map((info) => info.file)).toEqual([PIPELINE, PIPELINE]);
    expect(result.callSites.map((site) => site.output)).toEqual(["loaded", "described"]);
    const described = result.buildInfos[1]!;
    expect(described.depsFiles!.map(([path]) => path).sort()).toEqual(["src/lib/format.mjs", "src/lib/units.mjs"]);
    expect(result.watchFiles).toEqual(expect.arrayContaining([copy.path("src/wrapped/kit.mjs"), copy.path("src/wrapped/index.mjs")]));
  });

  it("gets the same build info at build time in a module that names daft", () => {
    const copy = fixture();
    // Naming the package anywhere in a string is enough for the hosts' check (here in a comment,
    // which leaves the hashes alone).
    copy.write("src/wrapped/named.mjs", `// nodes of "daft", through the wrapper\n${copy.read(PIPELINE)}`);
    const named = transformFile(copy, "src/wrapped/named.mjs").byOutput;
    const viaRuntime = createTransformer().transform(copy.read(PIPELINE), copy.path(PIPELINE), { callsFunc: true })!;
    expect([named.loaded, named.described].map((info) => [info!.codeHash, info!.depsHashes])).toEqual(
      viaRuntime.buildInfos.map((info) => [info.codeHash, info.depsHashes]),
    );
  });

  it("takes a function of the same shape that is not daft's func for none, until its module re-exports func", () => {
    const copy = fixture();
    const cacheFile = copy.path("node_modules/.cache/daft/transform.json");
    copy.write("src/wrapped/lookalike.mjs", "export function step(options, fn) {\n  return fn;\n}\n");
    copy.write("src/wrapped/uses-lookalike.mjs", 'import "daft";\nimport { step } from "./lookalike.mjs";\nexport const n = step({ output: "n", cache: true }, ({ x }) => x);\n');
    const transformOnce = () => {
      const transformer = createTransformer({ persistentCacheFile: cacheFile });
      const result = transformer.transform(copy.read("src/wrapped/uses-lookalike.mjs"), copy.path("src/wrapped/uses-lookalike.mjs"));
      transformer.save();
      return result;
    };
    expect(transformOnce()).toBeUndefined();
    // The module it imports from now re-exports daft's func: the call is one, although the
    // calling module did not change and its entry is in the cache file.
    copy.write("src/wrapped/lookalike.mjs", 'export { func as step } from "daft";\n');
    expect(transformOnce()?.buildInfos).toHaveLength(1);
  });
});

describe("a module transformed again after an edit, in the same process", () => {
  it("gets the hashes a new process computes from the edited code (canonical texts kept by unit text)", async () => {
    const copy = fixture();
    const file = copy.path(NODES);
    const transformer = createTransformer();
    const original = copy.read(NODES);
    transformer.transform(original, file);
    // One node's function changes; another's local variable is renamed (same canonical text).
    const edited = original
      .replace("({ x }) => scaleBy(x)", "({ x }) => scaleBy(x) + 1")
      .replace("const square = new Square(x);", "const sq = new Square(x);")
      .replace("${square.describe()} ${square.label()}", "${sq.describe()} ${sq.label()}");
    expect(edited).not.toBe(original);
    const hashesOf = (infos: Array<{ codeHash: string; depsHashes: string[] }>) => infos.map((info) => [info.codeHash, info.depsHashes]);
    const inProcess = hashesOf(transformer.transform(edited, file)!.buildInfos);
    copy.write(NODES, edited);
    const transformModule = pathToFileURL(join(repoRoot, "dist", "src", "transform", "index.js")).href;
    const { stdout } = await runNode(
      [
        "--input-type=module",
        "-e",
        `import { createTransformer } from ${JSON.stringify(transformModule)};
         import { readFileSync } from "node:fs";
         const file = ${JSON.stringify(file)};
         const infos = createTransformer().transform(readFileSync(file, "utf8"), file).buildInfos;
         console.log(JSON.stringify(infos.map((info) => [info.codeHash, info.depsHashes])));`,
      ],
      { cwd: copy.dir },
    );
    expect(JSON.parse(stdout)).toEqual(inProcess);
    const before = hashesOf(createTransformer().transform(original, file)!.buildInfos);
    expect(inProcess[1]).not.toEqual(before[1]); // scaled changed
    expect(inProcess[2]).toEqual(before[2]); // shaped: a local rename only
  }, 60_000);
});
