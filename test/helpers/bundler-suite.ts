/**
 * The checks every bundler plugin must pass on fixtures/plugin-app, registered by each bundler's
 * own test file with the function that builds the app with that bundler (in process):
 *
 * 1. the bundle runs and its nodes carry exactly the hashes, input names and file of the Node
 *    loader's run (and of the transform core) — so the bundler handed daft the original
 *    TypeScript, before any compiler, and the id without query;
 * 2. a result cached by the bundle is a hit for the loader, and the other way round, through a
 *    shared DiskCache directory;
 * 3. editing a file two imports below a node changes that node's level-2 dependency hash (and
 *    nothing else), in the rebuilt bundle as in the loader.
 */
import { describe, expect, it } from "vitest";
import { makeTempDir, type FixtureCopy } from "./fixture.js";
import {
  copyPluginApp,
  EXPECTED_RESULT,
  hashesOf,
  removeTransformCache,
  runBuilt,
  runWithLoader,
  transformHashes,
  type AppRun,
} from "./plugin-app.js";

/** Builds `src/main.ts` of the copy into one ES module at `outFile` (relative to the copy). */
export type BuildApp = (copy: FixtureCopy, outFile: string) => Promise<void>;

export function describeBundlerPlugin(name: string, build: BuildApp): void {
  describe(`daft/${name} on fixtures/plugin-app`, () => {
    const copy = copyPluginApp();
    const out = `out/${name}/main.mjs`;
    let built: AppRun;

    it("injects the same build info as the Node loader and the transform core, from the original TypeScript", async () => {
      // Each side starts cold, so neither reads hashes the other left in the transform cache.
      removeTransformCache(copy);
      await build(copy, out);
      removeTransformCache(copy);
      const loader = await runWithLoader(copy);
      built = await runBuilt(copy, out);

      expect(built.result).toEqual(EXPECTED_RESULT);
      expect(built.nodes.map((node) => node.hashSource)).toEqual(["build", "build", "build"]);
      expect(built.nodes[1]).toMatchObject({ inputs: ["tokens", "minLength"], defaults: ["minLength"], file: "src/pipeline.ts" });
      expect(built.nodes).toEqual(loader.nodes);
      expect(hashesOf(built)).toEqual(transformHashes(copy));
    });

    it("shares cached results with the Node loader through a DiskCache, both ways", async () => {
      const filledByLoader = makeTempDir("daft-shared-cache-");
      expect((await runWithLoader(copy, filledByLoader)).stats).toEqual({ hits: 0, misses: 2 });
      expect((await runBuilt(copy, out, filledByLoader)).stats).toEqual({ hits: 2, misses: 0 });

      const filledByBundle = makeTempDir("daft-shared-cache-");
      expect((await runBuilt(copy, out, filledByBundle)).stats).toEqual({ hits: 0, misses: 2 });
      expect((await runWithLoader(copy, filledByBundle)).stats).toEqual({ hits: 2, misses: 0 });
    });

    it("changes the dependency hash of the node that reaches a file edited two imports down, and nothing else", async () => {
      const before = hashesOf(built);
      copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
      await build(copy, out);
      const rebuilt = await runBuilt(copy, out);
      const after = hashesOf(rebuilt);

      expect(after.tokens!.codeHash).toBe(before.tokens!.codeHash);
      expect(after.tokens!.depsHashes[0]).toBe(before.tokens!.depsHashes[0]);
      expect(after.tokens!.depsHashes[1]).not.toBe(before.tokens!.depsHashes[1]);
      expect(after.score).toEqual(before.score);
      expect(after.report).toEqual(before.report);
      expect(after).toEqual(hashesOf(await runWithLoader(copy)));
      expect(after).toEqual(transformHashes(copy));
    });
  });
}
