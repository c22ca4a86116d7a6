/**
 * Vitest reuses the plugins of vite.config.ts, so with `daft/vite` there a pipeline under test
 * carries build-time hashes. Runs the real `vitest run` in a copy of fixtures/vite-app (a child
 * process); the fixture's test asserts `hashSource === "build"` and reports its nodes' hashes,
 * which must equal the Node loader's for the same file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { copyFixture, makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { linkPackages, type NodeReport } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

/** This process is a Vitest worker: its VITEST_* variables must not leak into the child's run. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("VITEST") && key !== "NODE_ENV" && key !== "FORCE_COLOR") env[key] = value;
  return { ...env, ...extra };
}

it("vitest run with daft/vite in vite.config.ts: the pipeline under test has the loader's build hashes", async () => {
  const copy = copyFixture("vite-app");
  linkPackages(copy.dir, ["vite", "vitest", "tsx"]);
  const reportFile = join(makeTempDir("daft-vitest-report-"), "nodes.json");

  const run = await runNode(["node_modules/vitest/vitest.mjs", "run"], { cwd: copy.dir, env: cleanEnv({ DAFT_REPORT_FILE: reportFile, NO_COLOR: "1" }) });
  expect(run.stdout).toMatch(/Tests\s+1 passed/);
  const underTest = JSON.parse(readFileSync(reportFile, "utf8")) as NodeReport[];
  expect(underTest.map((node) => node.hashSource)).toEqual(["build", "build", "build"]);

  const loader = await runNode(["--import", "tsx", "--import", "daft/loader", "scripts/etl.ts"], {
    cwd: copy.dir,
    env: { ...process.env, DAFT_CACHE_DIR: makeTempDir("daft-cache-") },
  });
  const loaderNodes = (JSON.parse(loader.stdout.trim().split("\n").at(-1)!) as { nodes: NodeReport[] }).nodes;
  expect(underTest).toEqual(loaderNodes);
});
