/**
 * daft/rspack: builds fixtures/plugin-app in process with rspack (TypeScript through its built-in
 * SWC loader; daft's loader is a `pre` loader, so it sees the file before it is compiled), checks
 * the shared bundler suite, then rspack's watch mode with its memory cache: an edit two imports
 * below a node rebuilds the module that declares it (the closure files are loader dependencies).
 */
import { basename, dirname } from "node:path";
import { rspack, type Configuration } from "@rspack/core";
import { afterAll, describe, it } from "vitest";
import daft from "../../plugins/rspack.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { copyPluginApp } from "../helpers/plugin-app.js";
import { buildOnce, expectWatchRebuildsImporter } from "../helpers/webpack-like.js";

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

describeBundlerPlugin("rspack", async (copy, outFile) => {
  await buildOnce(rspack(config(copy, outFile)));
});

describe("daft/rspack in watch mode", () => {
  it("rebuilds the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    await expectWatchRebuildsImporter(copy, rspack({ ...config(copy, "out/main.mjs"), cache: true }));
  });
});
