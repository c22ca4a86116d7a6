/**
 * Reasons that tell the truth: a node whose code hash was made another way (its own source at
 * run time, then the build's transform) misses with reason `hash-source`, not `code`; a `deps`
 * miss names what changed as the build info names it (a file, or a file's binding); a closure
 * too large to list its files still says at which import level the change is.
 */
import { describe, expect, it } from "vitest";
import { CacheConfig, func, MemoryCache, Pipeline, Runner, type BuildInfo } from "../../src/index.js";

const BODY = ({ x }: { x: number }) => x + 1;
const H = (digit: string) => digit.repeat(16);

/** The node, declared as the transform would have it (with `build`), or without build info. */
function node(build: Partial<BuildInfo> | undefined) {
  const info: BuildInfo | undefined = build && { v: 1, codeHash: H("c"), depsHashes: [], inputs: ["x"], defaults: [], file: "src/pipeline.ts", ...build };
  return func({ output: "y", cache: true }, BODY, info);
}

function runnerWith(depth = 8) {
  return new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false, dependencyDepth: depth }) });
}

async function missOf(runner: Runner, build: Partial<BuildInfo> | undefined) {
  await runner.run(new Pipeline({ functions: [node(build)] }), { x: 1 });
  const [event] = runner.stats.events;
  return { status: event!.status, reason: event!.reason, detail: event!.detail };
}

describe("miss reasons", () => {
  it("a change of hash source is not a code change", async () => {
    const runner = runnerWith();
    expect(await missOf(runner, undefined)).toMatchObject({ status: "miss", reason: "new" });
    expect(await missOf(runner, { depsHashes: [H("1")] })).toEqual({ status: "miss", reason: "hash-source", detail: ["runtime → build"] });
    expect(await missOf(runner, { depsHashes: [H("1")] })).toMatchObject({ status: "hit" });
    // The same source, now with another code hash: that is a code change.
    expect(await missOf(runner, { codeHash: H("d"), depsHashes: [H("1")] })).toEqual({ status: "miss", reason: "code", detail: undefined });
  });

  it("a deps miss names the changed files, or bindings where the build info lists them", async () => {
    const runner = runnerWith();
    const rows = (pad: string, clock: string): BuildInfo["depsFiles"] => [
      ["src/text/pad.ts#padNumber", 1, pad],
      ["src/text/pad.ts#padLeft", 1, H("2")],
      ["src/time/clock.ts", 2, clock],
    ];
    await missOf(runner, { depsHashes: [H("1"), H("2")], depsFiles: rows(H("3"), H("4")) });
    expect(await missOf(runner, { depsHashes: [H("5"), H("6")], depsFiles: rows(H("7"), H("4")) })).toEqual({
      status: "miss",
      reason: "deps",
      detail: ["src/text/pad.ts#padNumber"],
    });
    expect(await missOf(runner, { depsHashes: [H("5"), H("8")], depsFiles: rows(H("7"), H("9")) })).toMatchObject({ reason: "deps", detail: ["src/time/clock.ts"] });
  });

  it("a closure too large to list names the import level of the change", async () => {
    const runner = runnerWith();
    await missOf(runner, { depsHashes: [H("1"), H("2"), H("3")] });
    expect(await missOf(runner, { depsHashes: [H("1"), H("4"), H("5")] })).toEqual({
      status: "miss",
      reason: "deps",
      detail: ["a file first reached at import level 2 (the closure is too large to list its files)"],
    });
  });
});
