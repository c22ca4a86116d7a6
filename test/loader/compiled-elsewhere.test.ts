/**
 * When another loader ran before daft's hook and changed a module so much that its func calls
 * no longer match the file's (here: it adds one), daft does not guess: it says so on stderr,
 * leaves the module as it arrived; the nodes then get their build info at run time, from the file
 * as written (as without the loader).
 */
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { copyLoaderFixture, NODE_VERSIONS } from "../helpers/loader-fixture.js";

afterAll(removeTempDirs);

describe("code another loader changed beyond matching", () => {
  it.concurrent.each(NODE_VERSIONS.filter((version) => version.major !== 22))("on Node $major", async ({ binary }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const { stdout, stderr } = await runNode(["--import", "./mangle-hook.mjs", "--import", "daft/loader", "run.mjs"], { node, cwd: copy.dir });
    const report = JSON.parse(stdout) as { result: Record<string, unknown>; nodes: Record<string, { hashSource: string }> };
    expect(report.result.padded).toBe("....15 units");
    expect(Object.values(report.nodes).map((entry) => entry.hashSource)).toEqual(["build", "build", "build", "build"]);
    expect(stderr).toContain(`daft loader: ${copy.path("src/pipeline.mjs")}: the compiled code has 5 func call(s) where the file has 4`);
    expect(stderr).toContain("Registering daft first (--import daft/loader before the other loader's --import)");
  }, 120_000);
});
