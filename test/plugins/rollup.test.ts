/**
 * daft/rollup: builds fixtures/plugin-app in process with Rollup (source maps on: Rollup warns,
 * and the suite fails, if a transform returns no map), a TypeScript plugin listed
 * *before* daft (daft's transform is ordered first regardless), checks the shared bundler suite,
 * then Rollup's watch mode: an edit two imports below a node re-transforms the module that
 * declares the node, although Rollup itself only knows that it changed a module further down;
 * and modules a plugin loads with other code than the file's (or with no file behind them).
 * @rollup/plugin-typescript, which compiles in `load`, has its own file: rollup-typescript.test.ts.
 */
import { rollup, watch, type Plugin, type RollupOptions } from "rollup";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/rollup.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { fixtureHandle, linkDaft, makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { copyPluginApp } from "../helpers/plugin-app.js";
import { expectWatchReTransformsImporter } from "../helpers/rollup-like.js";
import { stripTypesRollupPlugin } from "../helpers/strip-types.js";

afterAll(removeTempDirs);

function options(copy: FixtureCopy, outFile: string, warnings: string[]): RollupOptions {
  return {
    input: copy.path("src/main.ts"),
    external: ["daft"],
    plugins: [stripTypesRollupPlugin(), daft()],
    onwarn: (warning) => warnings.push(warning.message),
    output: { file: copy.path(outFile), format: "es", sourcemap: true },
  };
}

describeBundlerPlugin("rollup", async (copy, outFile) => {
  const warnings: string[] = [];
  const { output, ...input } = options(copy, outFile, warnings);
  const bundle = await rollup(input);
  try {
    await bundle.write(output as object);
  } finally {
    await bundle.close();
  }
  expect(warnings).toEqual([]);
});

describe("daft/rollup in watch mode", () => {
  it("re-transforms the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    const warnings: string[] = [];
    await expectWatchReTransformsImporter(copy, () => watch({ ...options(copy, "out/main.mjs", warnings), watch: { buildDelay: 50 } }), warnings);
  });
});

/**
 * A module whose code is not the file as written: daft takes build info from the file when there
 * is one (a plugin may have compiled it in `load`), and from the code itself otherwise.
 */
describe("daft/rollup on modules a plugin loads", () => {
  const NODES = [
    'import { func } from "daft";',
    'export const twice = func({ output: "twice" }, ({ x }) => x * 2);',
    "",
  ].join("\n");
  const REPORT = "console.log(JSON.stringify([twice, extra].filter(Boolean).map(({ meta }) => [meta.output, meta.hashSource, meta.inputs, meta.file])));\n";

  /** Bundles `entry` (a path in a fresh project) with `loader` before daft, runs it, and returns what it printed. */
  async function bundleAndRun(loader: (project: FixtureCopy) => Plugin, entry: string, warnings: string[]): Promise<unknown> {
    const project = fixtureHandle(makeTempDir("daft-rollup-load-"));
    project.write("package.json", JSON.stringify({ name: "loaded-app", private: true, type: "module" }));
    linkDaft(project.dir);
    const bundle = await rollup({
      input: project.path(entry),
      external: ["daft"],
      plugins: [loader(project), daft()],
      onwarn: (warning) => warnings.push(warning.message),
    });
    try {
      await bundle.write({ file: project.path("out/main.mjs"), format: "es" });
    } finally {
      await bundle.close();
    }
    const { stdout } = await runNode(["out/main.mjs"], { cwd: project.dir });
    return JSON.parse(stdout);
  }

  it("injects into a module with no file behind it, from its code", async () => {
    const warnings: string[] = [];
    const generated = (project: FixtureCopy): Plugin => ({
      name: "generated",
      resolveId: (id) => (id === project.path("src/generated.js") ? id : null),
      load: (id) => (id === project.path("src/generated.js") ? `${NODES}const extra = undefined;\n${REPORT}` : null),
    });
    const printed = await bundleAndRun(generated, "src/generated.js", warnings);
    expect(printed).toEqual([["twice", "build", ["x"], "src/generated.js"]]);
    expect(warnings).toEqual([]);
  });

  it("transforms the code as it arrived when its func calls do not match the file's, and says so", async () => {
    const warnings: string[] = [];
    // Loads the file with one more func call than it has on disk.
    const addsACall = (project: FixtureCopy): Plugin => {
      project.write("src/nodes.js", `${NODES}${REPORT}`);
      return {
        name: "adds-a-call",
        load: (id) =>
          id === project.path("src/nodes.js")
            ? project.read("src/nodes.js").replace(REPORT, `export const extra = func({ output: "extra" }, ({ y }) => y);\n${REPORT}`)
            : null,
      };
    };
    const printed = await bundleAndRun(addsACall, "src/nodes.js", warnings);
    expect(printed).toEqual([
      ["twice", "build", ["x"], "src/nodes.js"],
      ["extra", "build", ["y"], "src/nodes.js"],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("has 2 func call(s) where the file has 1");
    expect(warnings[0]).toContain("its hashes differ from those of the file as written");
  });
});
