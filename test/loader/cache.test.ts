/**
 * The loader's caches across runs, on both hook APIs (Node 20: module.register, whose hooks
 * thread saves when the main thread exits; Node 24: module.registerHooks). A warm start
 * answers every module from the cache file without parsing; modules that never mention daft
 * are not even handed to the transform; the file lives in node_modules/.cache/daft, or in a
 * private folder of the user's when that cannot be written; processes running at once do not
 * spoil it.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFiles } from "../helpers/cache-files.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { copyLoaderFixture, expectedBuildInfos, hashesByOutput, hashesOf, LOADER, NODE_VERSIONS, runPipeline, runWithStats } from "../helpers/loader-fixture.js";

afterAll(removeTempDirs);

const VERSIONS = NODE_VERSIONS.filter((version) => version.major === 20 || version.major === 24);

describe("loader caches", () => {
  it.concurrent.each(VERSIONS)("on Node $major: a warm start parses nothing, files without daft skip the transform", async ({ binary }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const cacheFile = copy.path("node_modules/.cache/daft/transform.json");
    const args = [...LOADER, "run.mjs"];

    const cold = await runWithStats(node, copy.dir, args);
    expect(existsSync(cacheFile)).toBe(true);
    // Project modules: run.mjs and src/pipeline.mjs mention daft; src/lib/format.mjs and
    // src/lib/units.mjs do not (fmt-number is in node_modules and not even a candidate).
    expect(cold.stats).toMatchObject({ candidates: 4, checked: 2, injected: 1, warmHits: 0 });
    expect(cold.stats.files.parsed).toBeGreaterThan(0);

    const warm = await runWithStats(node, copy.dir, args);
    expect(warm.stats).toMatchObject({ candidates: 4, checked: 2, injected: 1, warmHits: 2, transforms: 2 });
    expect(warm.stats.files.parsed).toBe(0);

    // An edit is seen on the next start (the cache is validated, not trusted).
    copy.edit("src/lib/format.mjs", "`${value} ${unitOf(value)}`", "`${value} ${unitOf(value)}?`");
    const edited = await runWithStats(node, copy.dir, args);
    expect(edited.stats.warmHits).toBe(1); // run.mjs; src/pipeline.mjs is recomputed
    expect(JSON.parse(edited.process.stdout).result.described).toBe("15 units?");
  }, 120_000);

  it.concurrent.each(VERSIONS)("on Node $major: processes starting together share the cache file safely", async ({ binary }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const expected = hashesByOutput(["loaded", "scaled", "described", "padded"], expectedBuildInfos(copy, "src/pipeline.mjs"));
    const reports = await Promise.all([1, 2, 3, 4].map((n) => runPipeline(node, copy.dir, LOADER, { CACHE_DIR: `.cache-${n}` })));
    for (const report of reports) expect(hashesOf(report)).toEqual(expected);
    JSON.parse(readFileSync(copy.path("node_modules/.cache/daft/transform.json"), "utf8"));
    const after = await runWithStats(node, copy.dir, [...LOADER, "run.mjs"]);
    expect(after.stats.files.parsed).toBe(0);
    expect(after.stats.warmHits).toBe(after.stats.transforms);
  }, 120_000);

  it.concurrent.each(VERSIONS)("on Node $major: falls back to a private folder of the user's when node_modules/.cache cannot be written", async ({ binary }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    // A file where the folder should be: nothing can be created under it, whoever runs the test.
    mkdirSync(copy.path("node_modules"), { recursive: true });
    writeFileSync(copy.path("node_modules/.cache"), "not a folder");
    const cacheHome = makeTempDir();
    const env = { XDG_CACHE_HOME: cacheHome };
    const cold = await runWithStats(node, copy.dir, [...LOADER, "run.mjs"], env);
    expect(cold.stats.warmHits).toBe(0);
    const [cacheFile] = findFiles(cacheHome, "transform.json");
    expect(cacheFile).toBe(join(cacheHome, "daft", basename(dirname(cacheFile!)), "transform.json"));
    expect(statSync(dirname(cacheFile!)).mode & 0o777).toBe(0o700);
    const warm = await runWithStats(node, copy.dir, [...LOADER, "run.mjs"], env);
    expect(warm.stats.warmHits).toBe(warm.stats.transforms);
    expect(warm.stats.files.parsed).toBe(0);
  }, 120_000);
});
