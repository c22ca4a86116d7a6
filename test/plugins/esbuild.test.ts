/**
 * daft/esbuild: builds fixtures/plugin-app in process with esbuild (which compiles the TypeScript
 * itself) and checks the shared bundler suite; then an esbuild context: a rebuild after an edit
 * two imports down, and watch mode, which esbuild drives from the files the plugin declares.
 */
import { build, context, type BuildOptions, type Plugin } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/esbuild.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { ageFiles, copyPluginApp, hashesOf, runBuilt, transformHashes } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

function options(copy: FixtureCopy, outFile: string, plugins: Plugin[] = []): BuildOptions {
  return {
    absWorkingDir: copy.dir,
    entryPoints: ["src/main.ts"],
    outfile: outFile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["daft"],
    logLevel: "silent",
    plugins: [daft(), ...plugins],
  };
}

describeBundlerPlugin("esbuild", async (copy, outFile) => {
  const result = await build(options(copy, outFile));
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual([]);
});

/** Counts finished builds, so a test can wait for the next one. */
function buildCounter(): { plugin: Plugin; next(): Promise<void> } {
  let waiting: (() => void) | undefined;
  return {
    plugin: { name: "count-builds", setup: (b) => b.onEnd(() => waiting?.()) },
    next: () => new Promise<void>((resolve) => (waiting = resolve)),
  };
}

describe("daft/esbuild in an esbuild context", () => {
  it("a rebuild after an edit two imports down injects the new hashes", async () => {
    const copy = copyPluginApp();
    const ctx = await context(options(copy, "out/main.mjs"));
    try {
      await ctx.rebuild();
      const first = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(first).toEqual(transformHashes(copy));

      copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
      await ctx.rebuild();
      const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
      expect(second).toEqual(transformHashes(copy));
    } finally {
      await ctx.dispose();
    }
  });

  it("watch mode rebuilds when a file a node reaches changes", async () => {
    const copy = copyPluginApp();
    const builds = buildCounter();
    ageFiles(copy);
    const ctx = await context(options(copy, "out/main.mjs", [builds.plugin]));
    try {
      const firstBuild = builds.next();
      await ctx.watch();
      await firstBuild;
      const first = hashesOf(await runBuilt(copy, "out/main.mjs"));

      const rebuilt = builds.next();
      copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
      await rebuilt;
      const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
      expect(second).toEqual(transformHashes(copy));
    } finally {
      await ctx.dispose();
    }
  });
});
