/**
 * End to end, in real processes: a build script transforms fixtures/node-script with
 * `daft/transform` (the built package), and the real runtime runs the result. Proves the injected
 * code runs, the runtime takes its hashes and input names from it, and the persistent cache works
 * across processes. Needs `dist/` (npm test builds it first).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createTransformer } from "../../src/transform/index.js";
import { copyFixture, removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

interface NodeReport {
  output: string;
  hashSource: string;
  codeHash: string;
  depsHashes: string[];
  inputs: string[];
  defaults: string[];
  file: string;
}

describe("node script built with daft/transform", () => {
  const copy = copyFixture("node-script");
  const build = async () => JSON.parse((await runNode(["build.js"], { cwd: copy.dir })).stdout);
  const run = async (dir: string) =>
    JSON.parse((await runNode(["main.js"], { cwd: copy.dir, env: { ...process.env, PIPELINE_DIR: dir } })).stdout) as {
      result: Record<string, number>;
      nodes: NodeReport[];
    };

  it("runs with the injected build info, and the cache makes the second build parse nothing", async () => {
    const plain = await run("./src");
    expect(plain.result).toEqual({ x: 5, doubled: 10, result: 40 });
    // Unbuilt: the cached node gets its build info at run time, the uncached one keeps runtime hashes.
    expect(plain.nodes.map((node) => node.hashSource)).toEqual(["build", "runtime"]);

    const firstBuild = await build();
    expect(firstBuild.transforms).toBe(1);
    expect(firstBuild.warmHits).toBe(0);
    expect(firstBuild.files.parsed).toBe(1); // scale.js, as a dependency

    const built = await run("./out");
    expect(built.result).toEqual(plain.result);
    const expected = createTransformer().transform(copy.read("src/pipeline.js"), copy.path("src/pipeline.js"))!.buildInfos;
    expect(built.nodes).toEqual([
      {
        output: "doubled",
        hashSource: "build",
        codeHash: expected[0]!.codeHash,
        depsHashes: expected[0]!.depsHashes,
        inputs: ["x"],
        defaults: [],
        file: "src/pipeline.js",
      },
      {
        output: "result",
        hashSource: "build",
        codeHash: expected[1]!.codeHash,
        depsHashes: expected[1]!.depsHashes,
        inputs: ["doubled", "offset"],
        defaults: ["offset"],
        file: "src/pipeline.js",
      },
    ]);

    const secondBuild = await build();
    expect(secondBuild.warmHits).toBe(1);
    expect(secondBuild.files.parsed).toBe(0);

    copy.edit("src/scale.js", "value * 3", "value * 4");
    const thirdBuild = await build();
    expect(thirdBuild.warmHits).toBe(0);
    expect(thirdBuild.files.parsed).toBe(1);
    const rebuilt = await run("./out");
    expect(rebuilt.result.result).toBe(50);
    expect(rebuilt.nodes[1]!.codeHash).toBe(built.nodes[1]!.codeHash);
    expect(rebuilt.nodes[1]!.depsHashes[0]).not.toBe(built.nodes[1]!.depsHashes[0]);
    expect(rebuilt.nodes[0]!.depsHashes).toEqual(built.nodes[0]!.depsHashes);
  });
});
