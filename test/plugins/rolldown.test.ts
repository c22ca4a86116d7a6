/**
 * daft/rolldown: builds fixtures/plugin-app in process with Rolldown (which compiles the
 * TypeScript itself, after the plugins' transforms), checks the shared bundler suite, then
 * Rolldown's watch mode: an edit two imports below a node re-transforms the module that declares
 * the node, although Rolldown itself only knows that it changed a module further down.
 */
import { rolldown, watch, type InputOptions, type OutputOptions } from "rolldown";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/rolldown.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { copyPluginApp } from "../helpers/plugin-app.js";
import { expectWatchReTransformsImporter } from "../helpers/rollup-like.js";

afterAll(removeTempDirs);

function options(copy: FixtureCopy, outFile: string, warnings: string[]): InputOptions & { output: OutputOptions } {
  return {
    input: copy.path("src/main.ts"),
    platform: "node",
    external: ["daft"],
    plugins: [daft()],
    onwarn: (warning) => warnings.push(warning.message),
    output: { file: copy.path(outFile), format: "esm", sourcemap: true },
  };
}

describeBundlerPlugin("rolldown", async (copy, outFile) => {
  const warnings: string[] = [];
  const { output, ...input } = options(copy, outFile, warnings);
  const bundle = await rolldown(input);
  try {
    await bundle.write(output);
  } finally {
    await bundle.close();
  }
  expect(warnings).toEqual([]);
});

describe("daft/rolldown in watch mode", () => {
  it("re-transforms the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    const warnings: string[] = [];
    await expectWatchReTransformsImporter(copy, () => watch({ ...options(copy, "out/main.mjs", warnings), watch: { buildDelay: 50 } }), warnings);
  });
});
