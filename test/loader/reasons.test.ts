/**
 * A `deps` miss names the file that changed, end to end: a project run with
 * `node --import daft/loader`, one imported helper edited, the same run again. The nodes that
 * import the helper miss with reason "deps" and the helper's project-relative path; the others
 * hit; `verbose: "explain"` prints the reason in the [CACHE] line. On Node 20 (module.register)
 * and Node 24 (module.registerHooks).
 */
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { otherNode } from "../helpers/other-nodes.js";
import { childEnv, copyCliProject, eventsByKey, type RunOutput } from "../helpers/cli.js";

afterAll(removeTempDirs);

const HELPER = "src/helpers/format.mjs";

async function run(node: string, dir: string, env: Record<string, string> = {}): Promise<RunOutput & { stderr: string }> {
  const { stdout, stderr } = await runNode(["--import", "daft/loader", "run.mjs", '{"count": 3}'], { node, cwd: dir, env: childEnv(env) });
  return { ...(JSON.parse(stdout.trim().split("\n").at(-1)!) as RunOutput), stderr };
}

describe.each([
  { major: 20, binary: async () => process.execPath },
  { major: 24, binary: () => otherNode(24) },
])("miss reasons through the loader on Node $major", ({ binary }) => {
  it("an edited helper gives a deps miss naming its file, shown by verbose explain", async () => {
    const node = await binary();
    const project = copyCliProject();
    const first = await run(node, project.dir);
    expect(Object.values(first.hashSource)).toEqual(["build", "build", "build", "build"]);
    expect(first.events.filter((event) => event.status === "miss").map((event) => event.reason)).toEqual(Array(5).fill("new"));

    project.edit(HELPER, "`${doc.id}: ${doc.title}`", "`${doc.title} [${doc.id}]`");
    const second = await run(node, project.dir, { VERBOSE: "explain" });
    const events = eventsByKey(second.events);
    for (const key of ["scores::doc-0", "scores::doc-1", "scores::doc-2"]) {
      expect(events[key], key).toEqual({ key, status: "miss", reason: "deps", detail: [HELPER] });
    }
    // The scores' labels changed, so total, which sums them, misses on its input, not on deps.
    expect(events.total).toEqual({ key: "total", status: "miss", reason: "inputs", detail: ["scores"] });
    // doubled does not import the helper: an edit elsewhere never invalidates it.
    expect(events.doubled!.status).toBe("hit");
    expect(second.stderr).toContain(`[CACHE] scores: 3 ✗ MISS (`);
    expect(second.stderr).toContain(`, 3 deps changed: ${HELPER})`);
    expect(second.stderr).toContain("[CACHE] doubled: ✓ HIT");
    expect(second.stderr).toContain("[CACHE] total: ✗ MISS (");
    expect(second.stderr).toContain(", inputs changed: scores)");

    // The same code again: everything hits.
    const third = await run(node, project.dir);
    expect(third.events.map((event) => event.status)).toEqual(["hit", "hit", "hit", "hit", "hit", "no-cache"]);
  }, 120_000);
});
