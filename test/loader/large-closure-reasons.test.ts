/**
 * A node whose import closure is too large for the build info to list its files (more than
 * MAX_DEPS_FILES) still gets a `deps` miss that says where the change is: the import level of
 * the edited file. Real `node --import daft/loader` runs on a generated project of 260 modules.
 */
import { afterAll, describe, expect, it } from "vitest";
import { MAX_DEPS_FILES } from "../../src/transform/index.js";
import { copyFixture, removeTempDirs } from "../helpers/fixture.js";
import { LOADER } from "../helpers/loader-fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

const PARTS = 260;

describe("deps miss reasons for a large closure", () => {
  it("name the import level of the edited file", async () => {
    expect(PARTS).toBeGreaterThan(MAX_DEPS_FILES);
    const copy = copyFixture("loader-pipeline");
    for (let index = 0; index < PARTS; index++) copy.write(`big/parts/part${index}.mjs`, `export const part${index} = ${index};\n`);
    const names = Array.from({ length: PARTS }, (_, index) => `part${index}`);
    copy.write(
      "big/all.mjs",
      `${names.map((name) => `import { ${name} } from "./parts/${name}.mjs";`).join("\n")}\nexport function total() {\n  return ${names.join(" + ")};\n}\n`,
    );
    copy.write(
      "big/run.mjs",
      [
        'import { CacheConfig, DiskCache, func, Pipeline, Runner } from "daft";',
        'import { total } from "./all.mjs";',
        'const sum = func({ output: "sum", cache: true }, ({ x }) => x + total());',
        'const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir: ".cache" }), verbose: false }) });',
        "const result = await runner.run(new Pipeline({ functions: [sum] }), { x: 1 });",
        "const [event] = runner.stats.events;",
        "console.log(JSON.stringify({ sum: result.sum, status: event.status, reason: event.reason, detail: event.detail, listed: sum.meta.depsFiles !== undefined }));",
      ].join("\n"),
    );
    const run = async () => JSON.parse((await runNode([...LOADER, "big/run.mjs"], { cwd: copy.dir })).stdout) as Record<string, unknown>;
    const first = await run();
    expect(first).toMatchObject({ status: "miss", reason: "new", listed: false });
    copy.edit("big/parts/part7.mjs", "= 7;", "= 1007;");
    const second = await run();
    expect(second).toMatchObject({
      sum: (first.sum as number) + 1000,
      status: "miss",
      reason: "deps",
      detail: ["a file first reached at import level 2 (the closure is too large to list its files)"],
    });
  }, 120_000);
});
