/**
 * daft/rollup: builds fixtures/plugin-app in process with Rollup (source maps on: Rollup warns,
 * and the suite fails, if a transform returns no map), a TypeScript plugin listed
 * *before* daft (daft's transform is ordered first regardless), checks the shared bundler suite,
 * then Rollup's watch mode: an edit two imports below a node re-transforms the module that
 * declares the node, although Rollup itself only knows that it changed a module further down.
 */
import { rollup, watch, type RollupOptions } from "rollup";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/rollup.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
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
