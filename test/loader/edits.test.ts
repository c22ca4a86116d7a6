/**
 * `node --import daft/loader` end to end, on Node 20 (module.register), 22 and 24
 * (module.registerHooks): a real project with a disk cache, edited between real runs. Each step
 * asserts, per node, hit or miss and the reason the runner gives, so each proves one rule of
 * what invalidates what:
 * formatting and comments never do; a same-file helper does for its caller only; an imported
 * helper does through the dependency hash; two import levels down only at dependencyDepth 2;
 * a file nobody imports never does; a package counts by its version; the project's path does
 * not count; and without the loader the nodes get the same hashes at run time, so they hit.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { copyLoaderFixture, expectedBuildInfos, hashesByOutput, hashesOf, LOADER, NODE_VERSIONS, runPipeline } from "../helpers/loader-fixture.js";

afterAll(removeTempDirs);

const OUTPUTS = ["loaded", "scaled", "described", "padded"];
const ALL_HIT = { loaded: "hit", scaled: "hit", described: "hit", padded: "hit" };

describe("node --import daft/loader: what invalidates a cached node", () => {
  it.concurrent.each(NODE_VERSIONS)("on Node $major", async ({ binary }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const run = (env: Record<string, string> = {}, dir = copy.dir) => runPipeline(node, dir, LOADER, env);
    const depth1 = { DEPTH: "1", CACHE_DIR: ".cache-depth1" };

    // First run: every node computed, with build info injected by the loader.
    const first = await run();
    expect(first.result).toEqual({ x: 5, loaded: 10, scaled: 15, described: "15 units", padded: "....15 units" });
    expect(first.events).toEqual({ loaded: "miss:new", scaled: "miss:new", described: "miss:new", padded: "miss:new" });
    for (const output of OUTPUTS) expect(first.nodes[output]).toMatchObject({ hashSource: "build", file: "src/pipeline.mjs" });
    // …and the hashes are exactly what the transform computes from the file.
    expect(hashesOf(first)).toEqual(hashesByOutput(OUTPUTS, expectedBuildInfos(copy, "src/pipeline.mjs")));

    expect((await run()).events, "unchanged project").toEqual(ALL_HIT);

    copy.edit("src/pipeline.mjs", "({ x }) => x * 2);", "({ x }) =>\n  x*2 /* doubled */ ,\n);");
    copy.edit("src/pipeline.mjs", "// A same-file helper", "// Formatting and comments do not count.\n// A same-file helper");
    expect((await run()).events, "comment and whitespace edit").toEqual(ALL_HIT);

    // 15 stays 15 with the new rounding: only `scaled` re-runs, `described` gets the same input.
    copy.edit("src/pipeline.mjs", "Math.round(value * 100) / 100", "Math.round(value * 1000) / 1000");
    expect((await run()).events, "same-file helper edit").toEqual({ ...ALL_HIT, scaled: "miss:code" });

    copy.edit("src/lib/format.mjs", "`${value} ${unitOf(value)}`", "`${value} ${unitOf(value)}!`");
    const imported = await run();
    expect(imported.events, "imported helper edit").toEqual({ ...ALL_HIT, described: "miss:deps", padded: "miss:inputs" });
    expect(imported.result.padded).toBe("...15 units!");

    // Two levels down: a dependencyDepth 1 cache (warmed now) does not see it, depth 2 does.
    await run(depth1);
    copy.edit("src/lib/units.mjs", '"units"', '"pieces"');
    expect((await run(depth1)).events, "edit two levels down, depth 1").toEqual(ALL_HIT);
    const deep = await run();
    expect(deep.events, "edit two levels down, depth 2").toEqual({ ...ALL_HIT, described: "miss:deps", padded: "miss:inputs" });
    expect(deep.result.described).toBe("15 pieces!");

    copy.edit("src/unrelated.mjs", '"left alone"', '"still left alone"');
    expect((await run()).events, "edit of a file nobody imports").toEqual(ALL_HIT);

    // Same package code, new version number: the package counts by name@version.
    const manifest = copy.path("node_modules/fmt-number/package.json");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace('"1.0.0"', '"1.0.1"'));
    const bumped = await run();
    expect(bumped.events, "package version bump").toEqual({ ...ALL_HIT, padded: "miss:deps" });

    // The same project (with its caches) at another path: nothing in a hash depends on where it is.
    const moved = `${makeTempDir("daft-moved-")}/elsewhere/project`;
    cpSync(copy.dir, moved, { recursive: true, verbatimSymlinks: true });
    const atOtherPath = await run({}, moved);
    expect(atOtherPath.events, "project copied to another path").toEqual(ALL_HIT);
    expect(hashesOf(atOtherPath)).toEqual(hashesOf(bumped));

    // Without the loader: the same transform runs at first use, so the same hashes, and hits.
    const plain = await runPipeline(node, copy.dir, []);
    expect(plain.result).toEqual(bumped.result);
    expect(hashesOf(plain)).toEqual(hashesOf(bumped));
    expect(plain.events, "without the loader").toEqual(ALL_HIT);
  }, 180_000);
});
