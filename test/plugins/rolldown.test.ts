/**
 * daft/rolldown: builds fixtures/plugin-app in process with Rolldown (which compiles the
 * TypeScript itself, after the plugins' transforms), checks the shared bundler suite, then
 * Rolldown's watch mode: an edit two imports below a node re-transforms the module that declares
 * the node, although Rolldown itself only knows that it changed a module further down.
 */
import { rolldown, watch, type InputOptions, type OutputOptions, type RolldownWatcher, type RolldownWatcherEvent } from "rolldown";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/rolldown.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { ageFiles, copyPluginApp, hashesOf, runBuilt, transformHashes } from "../helpers/plugin-app.js";

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

/** Resolves with the next event of one of these kinds. */
function nextEvent(watcher: RolldownWatcher, codes: Array<RolldownWatcherEvent["code"]>): Promise<RolldownWatcherEvent> {
  return new Promise((resolve) => {
    const listener = (event: RolldownWatcherEvent): void => {
      if ("result" in event && event.result) void event.result.close();
      if (!codes.includes(event.code)) return;
      watcher.off("event", listener);
      resolve(event);
    };
    watcher.on("event", listener);
  });
}

describe("daft/rolldown in watch mode", () => {
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
