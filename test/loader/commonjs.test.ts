/**
 * CommonJS under the loader, version by version. With module.registerHooks (Node 22/24) the
 * hook also sees `require()`: a required .cjs file, a required .js file of a CommonJS package,
 * an imported .cjs file and a .cjs entry all get build info. Under module.register (Node 20) the loader leaves CommonJS to Node's own loader
 * (see loader/async-hooks.ts): those nodes work, with runtime hashes — this test pins down
 * exactly that, as the README states it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { copyLoaderFixture, expectedBuildInfos, LOADER, NODE_VERSIONS, runJsonLines } from "../helpers/loader-fixture.js";

afterAll(removeTempDirs);

describe("CommonJS files with the loader", () => {
  it.concurrent.each(NODE_VERSIONS)("on Node $major", async ({ binary, registerHooks }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const built = (file: string) => ({ hashSource: "build", codeHash: expectedBuildInfos(copy, file)[0]!.codeHash });
    const [modules] = (await runJsonLines(node, copy.dir, [...LOADER, "commonjs.mjs"])) as Array<Record<string, { hashSource: string; codeHash: string }>>;
    const [entry] = (await runJsonLines(node, copy.dir, [...LOADER, "src/entry.cjs"])) as Array<Record<string, { hashSource: string; codeHash: string }>>;
    if (registerHooks) {
      // The same hashes as the transform computes from each file, as for ES modules.
      expect(modules).toEqual({
        imported: built("src/imported.cjs"),
        required: built("src/required.cjs"),
        legacy: built("legacy/helper.js"),
      });
      expect(entry).toEqual({ entry: built("src/entry.cjs") });
    } else {
      const sources = [modules!.imported, modules!.required, modules!.legacy, entry!.entry].map((node) => node!.hashSource);
      expect(sources).toEqual(["runtime", "runtime", "runtime", "runtime"]);
    }
  }, 120_000);
});
