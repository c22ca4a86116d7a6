/**
 * The plugin options, through the esbuild entry (the fastest bundler; every entry shares the
 * factory): include/exclude, maxDependencyDepth, the persistent cache file, bad options, and the
 * transform's warnings reaching the bundler's own warnings.
 */
import { existsSync } from "node:fs";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import daft, { type DaftPluginOptions } from "../../plugins/esbuild.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { copyPluginApp, hashesOf, runBuilt, transformHashes } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

async function buildApp(copy: FixtureCopy, options?: DaftPluginOptions, entry = "src/main.ts") {
  return build({
    absWorkingDir: copy.dir,
    entryPoints: [entry],
    outfile: "out/main.mjs",
    bundle: true,
    platform: "node",
    format: "esm",
    external: ["daft"],
    logLevel: "silent",
    plugins: [daft(options)],
  });
}

describe("daft plugin options", () => {
  it("exclude leaves a module to the runtime; include limits the transform to matching modules", async () => {
    // A module the plugin leaves alone: its func calls reach the runtime without build info, so
    // its cached nodes get theirs at run time from the built file (the uncached one keeps runtime hashes).
    const copy = copyPluginApp();
    await buildApp(copy, { exclude: [/pipeline\.ts$/] });
    expect((await runBuilt(copy, "out/main.mjs")).nodes.map((node) => node.hashSource)).toEqual(["build", "build", "runtime"]);

    await buildApp(copy, { include: [/[\\/]text[\\/]/] });
    expect((await runBuilt(copy, "out/main.mjs")).nodes.map((node) => node.hashSource)).toEqual(["build", "build", "runtime"]);

    await buildApp(copy, { include: [/[\\/]src[\\/].*\.ts$/] });
    expect((await runBuilt(copy, "out/main.mjs")).nodes.map((node) => node.hashSource)).toEqual(["build", "build", "build"]);
  });

  it("maxDependencyDepth sets how many levels of dependency hashes are injected", async () => {
    const copy = copyPluginApp();
    await buildApp(copy, { maxDependencyDepth: 2 });
    const run = await runBuilt(copy, "out/main.mjs");
    const full = transformHashes(copy);
    expect(run.nodes[0]!.depsHashes).toEqual(full.tokens!.depsHashes.slice(0, 2));
  });

  it("keeps its transform cache in node_modules/.cache/daft/transform.json by default, elsewhere or nowhere on request", async () => {
    const copy = copyPluginApp();
    const defaultFile = copy.path("node_modules/.cache/daft/transform.json");
    await buildApp(copy, { cache: false });
    expect(existsSync(defaultFile)).toBe(false);
    await buildApp(copy, { cache: ".daft/transform-cache.json" }); // relative to esbuild's absWorkingDir
    expect(existsSync(copy.path(".daft/transform-cache.json"))).toBe(true);
    expect(existsSync(defaultFile)).toBe(false);
    await buildApp(copy);
    expect(existsSync(defaultFile)).toBe(true);
  });

  it("rejects bad options with a message naming the option and what it takes", () => {
    expect(() => daft({ maxDependencyDepth: 0 }).setup({} as never)).toThrow(/maxDependencyDepth must be a whole number ≥ 1 or Infinity, got 0/);
    expect(() => daft({ cache: 3 as unknown as boolean }).setup({} as never)).toThrow(/cache must be true, false or a file path, got 3/);
    expect(() => daft({ root: "" }).setup({} as never)).toThrow(/root must be a directory path/);
  });

  it("drops the query of an id (`?v=123`): same file, same hashes", async () => {
    const copy = copyPluginApp();
    copy.write("src/query-main.ts", copy.read("src/main.ts").replace('"./pipeline.ts"', '"./pipeline.ts?v=123"'));
    const result = await buildApp(copy, undefined, "src/query-main.ts");
    expect(result.warnings).toEqual([]);
    const run = await runBuilt(copy, "out/main.mjs");
    expect(run.nodes.map((node) => node.file)).toEqual(["src/pipeline.ts", "src/pipeline.ts", "src/pipeline.ts"]);
    expect(hashesOf(run)).toEqual(transformHashes(copy));
  });

  it("passes the transform's warnings on as the bundler's warnings, naming file and line", async () => {
    const copy = copyPluginApp();
    copy.write(
      "src/opaque.ts",
      'import { func } from "daft";\n\nexport const opaque = func({ output: "opaque" }, (input: { a: number }) => input.a);\n',
    );
    const result = await buildApp(copy, undefined, "src/opaque.ts");
    expect(result.warnings.map((warning) => warning.text)).toEqual([expect.stringMatching(/src\/opaque\.ts:3:\d+: .*output "opaque".*inputs: \[/)]);
  });
});
