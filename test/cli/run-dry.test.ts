/**
 * `daft run --dry <script>` (and `daft run <script> --dry`): the script runs with DAFT_DRY_RUN=1,
 * every Runner in it does a dry run and prints its report; a run the cache answers entirely lets
 * the script go on, the first that would compute something ends it, and nothing is stored.
 */
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { copyCliProject, daft, runPipeline } from "../helpers/cli.js";
import { storedEntries } from "../helpers/disk-cache/store.js";
import { removeTempDirs } from "../helpers/fixture.js";
import { readmeBlocks } from "../helpers/readme.js";

afterAll(removeTempDirs);

const STOP = "daft dry run (DAFT_DRY_RUN=1): the script stops here, since what follows would use results this run did not compute\n";

/** A script whose nodes are all cached (the pipeline's `summary` is not), printing its total. */
const ALL_CACHED = `import { CacheConfig, DiskCache, Pipeline, Runner } from "daft";
import { documents } from "./src/documents.mjs";
import { double, score, total } from "./src/pipeline.mjs";

const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir: ".cache" }), verbose: false }), progress: false });
const pipeline = new Pipeline({ functions: [score, double, total] });
for (const count of [2, 3]) {
  const out = await runner.run(pipeline, { x: 5, docs: documents(count), query: "ipsum" });
  console.log(\`total of \${count}: \${out.total}\`);
}
`;

describe("daft run --dry", () => {
  it("runs nothing on an empty cache: the report, then the script ends at its first run, exit code 0", async () => {
    const project = copyCliProject();
    const result = await daft(["run", "--dry", "run.mjs", '{"count": 2}'], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        "daft dry run (nothing ran, nothing was stored): 0 of 4 nodes would hit, 4 would run",
        "  scores   2 items: 2 would run (2 new)",
        "  doubled  would run (new)",
        "  total    would run (after doubled, scores)",
        "  summary  would run (not cached)",
        "",
      ].join("\n") + STOP,
    );
    expect(storedEntries(project.path(".cache"))).toEqual([]);
  });

  it("after a real run, says what would hit and what one more document would cost, as `daft run <script> --dry` too", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { count: 2 });
    const stored = storedEntries(project.path(".cache")).map((entry) => entry.id).sort();
    const result = await daft(["run", "run.mjs", "--dry", '{"count": 3}'], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    // What the README shows for `daft run --dry src/main.ts`, this very case.
    const readme = readmeBlocks().find(({ text }) => text.startsWith("$ daft run --dry "))!.text;
    expect(result.stderr).toBe(readme.slice(readme.indexOf("\n") + 1));
    expect(result.stderr.endsWith(STOP)).toBe(true);
    expect(storedEntries(project.path(".cache")).map((entry) => entry.id).sort()).toEqual(stored);
    // The real run after it computes the new document: the dry run stored nothing.
    const real = await runPipeline(project.dir, { count: 3 });
    expect(real.events.filter((event) => event.status === "miss").map((event) => event.key)).toEqual(["scores::doc-2", "total"]);
  });

  it("lets the script go on through runs the cache answers entirely, with their real results", async () => {
    const project = copyCliProject();
    project.write("all-cached.mjs", ALL_CACHED);
    const real = await daft(["run", "all-cached.mjs"], project.dir);
    expect(real.stdout).toMatch(/^total of 2: \d+\ntotal of 3: \d+\n$/);
    const totals = real.stdout;
    const dry = await daft(["run", "--dry", "all-cached.mjs"], project.dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(totals);
    const reports = dry.stderr.split("\n").filter((line) => line.startsWith("daft dry run"));
    expect(reports).toEqual([
      "daft dry run (nothing ran, nothing was stored): 3 of 3 nodes would hit, 0 would run",
      "daft dry run (nothing ran, nothing was stored): 3 of 3 nodes would hit, 0 would run",
    ]);
  });

  it("leaves --dry to the script when -- comes before the script, and says so under DEBUG", async () => {
    const project = copyCliProject();
    const passed = await daft(["run", "--", "script-exit.mjs", "--dry"], project.dir);
    expect(JSON.parse(passed.stdout)).toMatchObject({ args: ["--dry"] });
    const later = await daft(["run", "script-exit.mjs", "0", "--dry"], project.dir);
    expect(JSON.parse(later.stdout)).toMatchObject({ args: ["0", "--dry"] });
    const debug = await daft(["run", "--dry", "script-exit.mjs", "0"], project.dir, { env: { DEBUG: "daft:cli" } });
    expect(JSON.parse(debug.stdout)).toMatchObject({ args: ["0"] });
    expect(debug.stderr).toMatch(/spawn .* -- script-exit\.mjs 0 with DAFT_DRY_RUN=1/);
  });

  it("lists --dry in the help of daft run", async () => {
    const project = copyCliProject();
    const help = await daft(["run", "--help"], project.dir);
    expect(help.stdout).toMatch(/--dry\s+dry run: every Runner of the script only looks its calls up/);
    expect(readdirSync(project.dir)).not.toContain(".cache");
  });
});
