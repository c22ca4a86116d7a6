/**
 * An import written another way that resolves to the same file changes no hash (imported code is
 * named by the file it resolves to): the node hits; an edit of the function still misses as a
 * code change. Real `node --import daft/loader` runs, and plain `node`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { copyLoaderFixture, LOADER } from "../helpers/loader-fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

describe("miss reasons for a code hash", () => {
  it.each([
    { way: "with the loader", args: LOADER },
    { way: "without the loader", args: [] },
  ])("$way: a specifier that resolves to the same file is not a code change", async ({ args }) => {
    const copy = copyLoaderFixture();
    copy.write(
      "specifier.mjs",
      [
        'import { CacheConfig, DiskCache, Runner } from "daft";',
        'import { pipeline } from "./src/pipeline.mjs";',
        'const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir: ".cache" }), verbose: false }) });',
        "await runner.run(pipeline, { x: 5 });",
        "console.log(JSON.stringify(Object.fromEntries(runner.stats.events.map((event) => [event.output, [event.status, event.reason, event.detail]]))));",
      ].join("\n"),
    );
    const run = async () => JSON.parse((await runNode([...args, "specifier.mjs"], { cwd: copy.dir })).stdout) as Record<string, unknown[]>;
    await run();
    copy.edit("src/pipeline.mjs", 'from "./lib/format.mjs"', 'from "./lib/../lib/format.mjs"');
    const renamed = await run();
    expect(renamed.described![0]).toBe("hit");
    expect(renamed.loaded![0]).toBe("hit");
    copy.edit("src/pipeline.mjs", "({ scaled }) => format(scaled)", "({ scaled }) => format(scaled + 0)");
    expect((await run()).described).toEqual(["miss", "code", null]);
  }, 60_000);
});
