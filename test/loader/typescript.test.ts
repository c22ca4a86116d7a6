/**
 * TypeScript under the loader: through tsx registered after daft (daft's hook sees the file),
 * tsx registered before daft (daft's hook receives tsx's compiled, minified output) and, on
 * Node 22/24, Node's own type stripping. Every way gives the very same hashes — those the
 * transform computes from the file — so one disk cache serves them all (each run after the
 * first is a hit). Stack traces point at the right line of the .ts file in every way.
 */
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import {
  copyLoaderFixture,
  expectedBuildInfos,
  hashesByOutput,
  hashesOf,
  LOADER,
  LOADER_THEN_TSX,
  NODE_VERSIONS,
  runJsonLines,
  runPipeline,
  runWithStats,
  TSX_THEN_LOADER,
} from "../helpers/loader-fixture.js";

afterAll(removeTempDirs);

const OUTPUTS = ["loaded", "scaled", "described"];

function waysToRun(stripsTypes: boolean): Array<[string, string[]]> {
  return [
    ["tsx after daft", LOADER_THEN_TSX],
    ["tsx before daft", TSX_THEN_LOADER],
    ...(stripsTypes ? ([["type stripping", LOADER]] as Array<[string, string[]]>) : []),
  ];
}

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`${needle} not found`);
  return index + 1;
}

/** `file:line` of the first stack frame. */
function firstFrame(stack: string): string {
  const frame = stack.split("\n").find((line) => line.trimStart().startsWith("at "));
  return /([\w.-]+\.(?:ts|mjs)):(\d+):\d+/.exec(frame ?? "")?.slice(1, 3).join(":") ?? `no frame in ${stack}`;
}

describe("TypeScript with the loader", () => {
  it.concurrent.each(NODE_VERSIONS)("on Node $major: same hashes and cache hits in every order", async ({ binary, stripsTypes }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const expected = hashesByOutput(OUTPUTS, expectedBuildInfos(copy, "ts/pipeline.ts"));
    const env = { PIPELINE: "./ts/pipeline.ts" };
    let first = true;
    for (const [way, args] of waysToRun(stripsTypes)) {
      const report = await runPipeline(node, copy.dir, args, env);
      expect(report.result, way).toEqual({ x: 5, loaded: 10, scaled: 15, described: "15 units" });
      for (const output of OUTPUTS) expect(report.nodes[output]?.hashSource, `${way}: ${output}`).toBe("build");
      expect(hashesOf(report), way).toEqual(expected);
      const status = first ? "miss:new" : "hit";
      expect(report.events, way).toEqual({ loaded: status, scaled: status, described: status });
      first = false;
    }
  }, 120_000);

  it.concurrent.each(NODE_VERSIONS)("on Node $major: stack traces name the line in the .ts file", async ({ binary, stripsTypes }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const source = copy.read("ts/explode.ts");
    // Both throws sit on the line of the func call; the second one after the injected build info.
    const line = lineOf(source, "throw new Error(`exploded");
    for (const [way, args] of waysToRun(stripsTypes)) {
      const reports = (await runJsonLines(node, copy.dir, [...args, "ts/explode.ts"])) as Array<{ hashSource: string; stack: string }>;
      expect(reports.map((report) => report.hashSource), way).toEqual(["build", "build"]);
      expect(reports.map((report) => firstFrame(report.stack)), way).toEqual([`explode.ts:${line}`, `explode.ts:${line}`]);
    }
    const [plain] = (await runJsonLines(node, copy.dir, [...LOADER, "explode.mjs"])) as Array<{ hashSource: string; stack: string }>;
    expect(plain!.hashSource).toBe("build");
    expect(firstFrame(plain!.stack)).toBe(`explode.mjs:${lineOf(copy.read("explode.mjs"), "throw new Error")}`);
  }, 120_000);

  it("with tsx before daft, a warm start parses neither the file nor tsx's output", async () => {
    const copy = copyLoaderFixture();
    const args = [...TSX_THEN_LOADER, "run.mjs"];
    const env = { PIPELINE: "./ts/pipeline.ts" };
    // tsx compiles run.mjs too (it mentions daft but declares no node) and ts/pipeline.ts.
    const cold = await runWithStats(process.execPath, copy.dir, args, env);
    expect(cold.stats).toMatchObject({ compiledElsewhere: 2, compiledParsed: 1, injected: 1 });
    expect(cold.stats.files.parsed).toBeGreaterThan(0);
    const warm = await runWithStats(process.execPath, copy.dir, args, env);
    expect(warm.stats).toMatchObject({ compiledElsewhere: 2, compiledParsed: 0, injected: 1, warmHits: warm.stats.transforms });
    expect(warm.stats.files.parsed).toBe(0);
  }, 60_000);
});
