/**
 * A cached node whose func call was not transformed (plain `node`, tsx without daft/loader, vitest) gets
 * its build info at its first use, from its call site, by the same transform and in the same
 * cache file as the loader: the same hashes, so runs with and without the loader share results,
 * and an edit to an imported helper is seen without the loader too. Where the call site cannot
 * be read (eval), the node runs on the function's own source and says so once on stderr.
 */
import { symlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { copyLoaderFixture, expectedBuildInfos, hashesByOutput, hashesOf, LOADER, LOADER_THEN_TSX, runPipeline } from "../helpers/loader-fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

const OUTPUTS = ["loaded", "scaled", "described", "padded"];
const ALL_HIT = { loaded: "hit", scaled: "hit", described: "hit", padded: "hit" };
const DEBUG = { DEBUG: "daft:transform" };

describe("build info without the loader", () => {
  it("plain node: the loader's hashes, shared results, and imported edits seen", async () => {
    const copy = copyLoaderFixture();
    const node = process.execPath;
    // Files written just now have mtimes too recent to trust (the transform then confirms them by
    // content, with its cold part): date them back, as a checkout some time ago would be.
    const past = new Date(Date.now() - 60_000);
    for (const file of ["src/pipeline.mjs", "src/lib/format.mjs", "src/lib/units.mjs", "package.json", "node_modules/fmt-number/package.json"]) {
      utimesSync(copy.path(file), past, past);
    }

    const plain = await runNode(["run.mjs"], { cwd: copy.dir, env: { ...process.env, ...DEBUG } });
    const first = JSON.parse(plain.stdout) as Awaited<ReturnType<typeof runPipeline>> & { nodes: Record<string, { hashSource: string }> };
    for (const output of OUTPUTS) expect(first.nodes[output]).toMatchObject({ hashSource: "build", file: "src/pipeline.mjs" });
    expect(hashesOf(first)).toEqual(hashesByOutput(OUTPUTS, expectedBuildInfos(copy, "src/pipeline.mjs")));
    expect(plain.stderr).toContain('build info at run time for node "described"');
    expect(plain.stderr, "no fallback warning").not.toContain("has no build info");

    // The loader injects the same build info: its run hits every result the plain run stored,
    // and never computes build info at run time.
    const withLoader = await runNode([...LOADER, "run.mjs"], { cwd: copy.dir, env: { ...process.env, ...DEBUG } });
    expect((JSON.parse(withLoader.stdout) as { events: Record<string, { status: string }> }).events).toEqual({
      loaded: { status: "hit" },
      scaled: { status: "hit" },
      described: { status: "hit" },
      padded: { status: "hit" },
    });
    expect(withLoader.stderr).not.toContain("build info at run time");

    // A second plain run answers from the transform cache file: nothing is parsed.
    const warm = await runNode(["run.mjs"], { cwd: copy.dir, env: { ...process.env, ...DEBUG } });
    expect(warm.stderr).toContain("build info at run time");
    expect(warm.stderr).not.toContain("loading the cold part");

    // An edit to an imported helper, two levels down: seen without the loader.
    copy.edit("src/lib/units.mjs", '"units"', '"pieces"');
    const edited = await runPipeline(node, copy.dir, []);
    expect(edited.events).toEqual({ ...ALL_HIT, described: "miss:deps", padded: "miss:inputs" });
    expect(edited.result.padded).toBe("...15 pieces");
    const loaderAfter = await runPipeline(node, copy.dir, LOADER);
    expect(loaderAfter.events, "the loader hits what the plain run stored").toEqual(ALL_HIT);
    expect(hashesOf(loaderAfter)).toEqual(hashesOf(edited));
  }, 120_000);

  it("tsx without the loader: the loader's hashes, found by output where tsx moved the code", async () => {
    const copy = copyLoaderFixture();
    const node = process.execPath;
    const env = { PIPELINE: "./ts/pipeline.ts" };
    const viaTsx = await runPipeline(node, copy.dir, ["--import", "tsx"], env);
    expect(viaTsx.result).toEqual({ x: 5, loaded: 10, scaled: 15, described: "15 units" });
    const ts = ["loaded", "scaled", "described"];
    expect(hashesOf(viaTsx)).toEqual(hashesByOutput(ts, expectedBuildInfos(copy, "ts/pipeline.ts")));
    const viaLoader = await runPipeline(node, copy.dir, LOADER_THEN_TSX, env);
    expect(viaLoader.events).toEqual({ loaded: "hit", scaled: "hit", described: "hit" });

    copy.edit("ts/readings.ts", "${reading.unit}`", "${reading.unit}!`");
    const edited = await runPipeline(node, copy.dir, ["--import", "tsx"], env);
    expect(edited.events).toEqual({ loaded: "hit", scaled: "hit", described: "miss:deps" });
  }, 120_000);

  it("vitest without the plugin: the transform's hashes for a node declared in a test file", async () => {
    const copy = copyLoaderFixture();
    symlinkSync(join(repoRoot, "node_modules", "vitest"), copy.path("node_modules/vitest"), "dir");
    copy.write("vitest.config.mjs", 'export default { test: { include: ["tests/**/*.test.mjs"] } };\n');
    copy.write(
      "tests/node.test.mjs",
      [
        'import { writeFileSync } from "node:fs";',
        'import { expect, it } from "vitest";',
        'import { CacheConfig, func, MemoryCache, Pipeline, Runner } from "daft";',
        'import { format } from "../src/lib/format.mjs";',
        "",
        "// A comment line, so positions in vitest's compiled code differ from the file's.",
        'const described = func({ output: "described", cache: true }, ({ value }) => format(value));',
        "",
        'it("runs", async () => {',
        "  const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false }) });",
        '  expect((await runner.run(new Pipeline({ functions: [described] }), { value: 3 })).described).toBe("3 units");',
        '  writeFileSync("meta.json", JSON.stringify({ hashSource: described.meta.hashSource, codeHash: described.meta.codeHash, depsHashes: described.meta.depsHashes }));',
        "});",
      ].join("\n"),
    );
    await runNode([copy.path("node_modules/vitest/vitest.mjs"), "run"], { cwd: copy.dir });
    const [expected] = expectedBuildInfos(copy, "tests/node.test.mjs");
    expect(JSON.parse(copy.read("meta.json"))).toEqual({ hashSource: "build", codeHash: expected!.codeHash, depsHashes: expected!.depsHashes });
  }, 120_000);

  it("code run by eval: the function's own source, and one warning naming the node and the fix", async () => {
    const copy = copyLoaderFixture();
    copy.write(
      "evaluated.mjs",
      [
        'import { CacheConfig, func, MemoryCache, Pipeline, Runner } from "daft";',
        "globalThis.func = func;",
        'const node = (0, eval)(\'globalThis.func({ output: "evaluated", cache: true }, ({ x }) => x + 1)\');',
        "const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false }) });",
        "const pipeline = new Pipeline({ functions: [node] });",
        "await runner.run(pipeline, { x: 1 });",
        "await runner.run(pipeline, { x: 2 });",
        "console.log(JSON.stringify({ hashSource: node.meta.hashSource, events: runner.stats.events.map((event) => event.status) }));",
      ].join("\n"),
    );
    const { stdout, stderr } = await runNode(["evaluated.mjs"], { cwd: copy.dir });
    expect(JSON.parse(stdout)).toEqual({ hashSource: "runtime", events: ["miss"] });
    const warnings = stderr.split("\n").filter((line) => line.includes("has no build info"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('node "evaluated" (output "evaluated")');
    expect(warnings[0]).toContain("eval");
    expect(warnings[0]).toContain("node --import daft/loader");
  }, 60_000);
  it("a module that calls func only through a wrapper: build info at its first call, under the loader and plain node alike", async () => {
    const copy = copyLoaderFixture();
    // Every level: the barrel between the module and the helpers adds one.
    const env = { ...process.env, PIPELINE: "./src/wrapped/pipeline.mjs", DEPTH: "Infinity", DEBUG: "daft:transform" };
    const report = (stdout: string) => JSON.parse(stdout) as { result: Record<string, unknown>; events: Record<string, { status: string; reason?: string }>; nodes: Record<string, { hashSource: string; file: string }> };
    const statuses = (events: Record<string, { status: string; reason?: string }>) =>
      Object.fromEntries(Object.entries(events).map(([output, event]) => [output, event.reason ? `${event.status}:${event.reason}` : event.status]));

    const viaLoader = await runNode([...LOADER, "run.mjs"], { cwd: copy.dir, env });
    const first = report(viaLoader.stdout);
    expect(first.result).toMatchObject({ loaded: 10, described: "10 units" });
    expect(statuses(first.events)).toEqual({ loaded: "miss:new", described: "miss:new" });
    for (const output of ["loaded", "described"]) expect(first.nodes[output]).toMatchObject({ hashSource: "build", file: "src/wrapped/pipeline.mjs" });
    expect(viaLoader.stderr).toContain('build info at run time for node "described"');
    expect(viaLoader.stderr, "no fallback to the function's own source").not.toContain("has no build info");

    const plain = report((await runNode(["run.mjs"], { cwd: copy.dir, env })).stdout);
    expect(statuses(plain.events)).toEqual({ loaded: "hit", described: "hit" });

    // The helper the node reaches through the wrapper's barrel, two imports down.
    copy.edit("src/lib/units.mjs", '"units"', '"pieces"');
    const edited = report((await runNode([...LOADER, "run.mjs"], { cwd: copy.dir, env })).stdout);
    expect(statuses(edited.events)).toEqual({ loaded: "hit", described: "miss:deps" });
    expect(edited.result.described).toBe("10 pieces");
  }, 120_000);
});
