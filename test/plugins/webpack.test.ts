/**
 * daft/webpack: builds fixtures/plugin-app in process with webpack (a TypeScript loader in a
 * normal rule; daft's loader is a `pre` loader, so it sees the file before it is compiled), checks
 * the shared bundler suite, then webpack's watch mode: an edit two imports below a node rebuilds
 * the module that declares it (the closure files are loader dependencies).
 */
import { basename, dirname } from "node:path";
import webpack, { type Configuration } from "webpack";
import { afterAll, describe, it } from "vitest";
import daft from "../../plugins/webpack.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { copyPluginApp } from "../helpers/plugin-app.js";
import { buildOnce, expectWatchRebuildsImporter } from "../helpers/webpack-like.js";
import { stripTypesWebpackLoader } from "../helpers/strip-types.js";

afterAll(removeTempDirs);

function config(copy: FixtureCopy, outFile: string): Configuration {
  return {
    mode: "none",
    context: copy.dir,
    entry: "./src/main.ts",
    target: "node20",
    devtool: false,
    output: { path: copy.path(dirname(outFile)), filename: basename(outFile), module: true, chunkFormat: "module" },
    experiments: { outputModule: true },
    externalsType: "module",
    externals: { daft: "daft" },
    module: { rules: [{ test: /\.ts$/, use: stripTypesWebpackLoader }] },
    resolve: { extensions: [".ts", ".js"] },
    plugins: [daft()],
    infrastructureLogging: { level: "none" },
  };
}

describeBundlerPlugin("webpack", async (copy, outFile) => {
  await buildOnce(webpack(config(copy, outFile)));
});

describe("daft/webpack in watch mode", () => {
  it("rebuilds the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    // The memory cache (webpack's default in development) reuses every module whose file and
    // dependencies did not change: only declared dependencies get pipeline.ts rebuilt.
    await expectWatchRebuildsImporter(copy, webpack({ ...config(copy, "out/main.mjs"), cache: { type: "memory" } }));
  });
});
