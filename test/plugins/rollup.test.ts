/**
 * daft/rollup: builds fixtures/plugin-app in process with Rollup (source maps on: Rollup warns,
 * and the suite fails, if a transform returns no map), a TypeScript plugin listed
 * *before* daft (daft's transform is ordered first regardless), checks the shared bundler suite,
 * then Rollup's watch mode: an edit two imports below a node re-transforms the module that
 * declares the node, although Rollup itself only knows that it changed a module further down.
 */
import { rollup, watch, type RollupOptions, type RollupWatcher, type RollupWatcherEvent } from "rollup";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/rollup.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { ageFiles, copyPluginApp, hashesOf, runBuilt, transformHashes } from "../helpers/plugin-app.js";
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

/** Resolves with the next event of one of these kinds. */
function nextEvent(watcher: RollupWatcher, codes: Array<RollupWatcherEvent["code"]>): Promise<RollupWatcherEvent> {
  return new Promise((resolve) => {
    const listener = (event: RollupWatcherEvent): void => {
      if ("result" in event && event.result) void event.result.close();
      if (!codes.includes(event.code)) return;
      watcher.off("event", listener);
      resolve(event);
    };
    watcher.on("event", listener);
  });
}

describe("daft/rollup in watch mode", () => {
  it("re-transforms the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    const warnings: string[] = [];
    ageFiles(copy);
    const watcher = watch({ ...options(copy, "out/main.mjs", warnings), watch: { buildDelay: 50 } });
    try {
      expect((await nextEvent(watcher, ["END", "ERROR"])).code).toBe("END");
      const first = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(first).toEqual(transformHashes(copy));

      const rebuilt = nextEvent(watcher, ["END", "ERROR"]);
      copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
      expect((await rebuilt).code).toBe("END");
      const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
      expect(second).toEqual(transformHashes(copy));
      expect(warnings).toEqual([]);
    } finally {
      await watcher.close();
    }
  });
});
