/**
 * daft/rspack: builds fixtures/plugin-app in process with rspack (TypeScript through its built-in
 * SWC loader; daft's loader is a `pre` loader, so it sees the file before it is compiled), checks
 * the shared bundler suite, then rspack's watch mode with its memory cache: an edit two imports
 * below a node rebuilds the module that declares it (the closure files are loader dependencies).
 */
import { basename, dirname } from "node:path";
import { rspack, type Configuration, type Stats } from "@rspack/core";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../plugins/rspack.js";
import { describeBundlerPlugin } from "./helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "./helpers/fixture.js";
import { ageFiles, copyPluginApp, hashesOf, runBuilt, transformHashes } from "./helpers/plugin-app.js";

afterAll(removeTempDirs);

function config(copy: FixtureCopy, outFile: string): Configuration {
  return {
    mode: "none",
    context: copy.dir,
    entry: "./src/main.ts",
    target: "node20",
    devtool: false,
    output: { path: copy.path(dirname(outFile)), filename: basename(outFile), module: true, chunkFormat: "module" },
    externalsType: "module",
    externals: { daft: "daft" },
    module: {
      rules: [{ test: /\.ts$/, loader: "builtin:swc-loader", options: { jsc: { parser: { syntax: "typescript" } } }, type: "javascript/auto" }],
    },
    resolve: { extensions: [".ts", ".js"] },
    plugins: [daft()],
    infrastructureLogging: { level: "none" },
  };
}

function checkStats(stats: Stats | undefined): void {
  const info = stats!.toJson({ all: false, errors: true, warnings: true });
  expect(info.errors).toEqual([]);
  expect(info.warnings).toEqual([]);
}

describeBundlerPlugin("rspack", async (copy, outFile) => {
  const compiler = rspack(config(copy, outFile));
  const stats = await new Promise<Stats | undefined>((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  checkStats(stats);
});

describe("daft/rspack in watch mode", () => {
  it("rebuilds the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    const compiler = rspack({ ...config(copy, "out/main.mjs"), cache: true });
    // Each finished build, with the files this run was told had changed.
    const builds: Array<{ stats: Stats | undefined; modified: string[] }> = [];
    let onBuild: (() => void) | undefined;
    const buildWhere = async (test: (build: (typeof builds)[number]) => boolean) => {
      for (;;) {
        const found = builds.find(test);
        if (found) return found.stats;
        await new Promise<void>((resolve) => (onBuild = resolve));
      }
    };
    ageFiles(copy);
    const watching = compiler.watch({ aggregateTimeout: 50 }, (error, stats) => {
      if (error) throw error;
      builds.push({ stats, modified: [...(compiler.modifiedFiles ?? [])] });
      onBuild?.();
    });
    try {
      const firstStats = await buildWhere(() => true);
      checkStats(firstStats);
      // tsconfig.json is in the closure (it steers resolution) but is no module of the bundle:
      // only the plugin's declaration makes the bundler watch it.
      expect([...firstStats!.compilation.fileDependencies]).toContain(copy.path("tsconfig.json"));
      const first = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(first).toEqual(transformHashes(copy));

      copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
      checkStats(await buildWhere((build) => build.modified.includes(copy.path("src/text/normalise.ts"))));
      const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
      expect(second).toEqual(transformHashes(copy));
    } finally {
      await new Promise<void>((resolve) => watching!.close(() => resolve()));
    }
  });
});
