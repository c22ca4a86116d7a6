/**
 * A result computed while a file it depends on changed is returned but not stored: its hashes
 * were taken from the files before the change. Real processes, with and without the loader, on
 * a node that edits its own imported helper (and one that rewrites its declared data file)
 * while it runs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

const HELPER = 'export function greet(name) {\n  return `hello ${name}`;\n}\n';

const PIPELINE = `import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { func, Pipeline } from "daft";
import { greet } from "./helper.mjs";

export const greeting = func({ output: "greeting", cache: true }, ({ name }) => {
  const text = greet(name);
  if (process.env.EDIT_HELPER) appendFileSync(new URL("./helper.mjs", import.meta.url), "// edited while running\\n");
  return text;
});

export const counted = func({ output: "counted", cache: true, files: ["data.txt"] }, ({ greeting }) => {
  const length = readFileSync("data.txt", "utf8").length + greeting.length;
  if (process.env.EDIT_DATA) writeFileSync("data.txt", readFileSync("data.txt", "utf8") + "more");
  return length;
});

export const pipeline = new Pipeline({ functions: [greeting, counted] });
`;

const RUN = `import { CacheConfig, DiskCache, Runner } from "daft";
import { pipeline } from "./pipeline.mjs";
const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir: ".cache" }), verbose: false }) });
await runner.run(pipeline, { name: "ada" });
console.log(JSON.stringify(Object.fromEntries(runner.stats.events.map((event) => [event.output, { status: event.status, stored: event.stored, notStoredReason: event.notStoredReason }]))));
`;

type Events = Record<string, { status: string; stored?: boolean; notStoredReason?: string }>;

describe("a file changed while the node ran", () => {
  it.each([
    { way: "with the loader", args: ["--import", "daft/loader"] },
    { way: "without the loader", args: [] },
  ])("$way: the result is returned, not stored, and the reason names the file", async ({ args }) => {
    const copy = copyFixture("loader-pipeline");
    copy.write("changing/helper.mjs", HELPER);
    copy.write("changing/pipeline.mjs", PIPELINE);
    copy.write("changing/run.mjs", RUN);
    copy.write("data.txt", "abc");
    const run = async (env: Record<string, string> = {}) =>
      JSON.parse((await runNode([...args, "changing/run.mjs"], { cwd: copy.dir, env: { ...process.env, ...env } })).stdout) as Events;

    const edited = await run({ EDIT_HELPER: "1", EDIT_DATA: "1" });
    expect(edited.greeting).toMatchObject({ status: "miss", stored: false });
    expect(edited.greeting!.notStoredReason).toContain("changing/helper.mjs changed while the node ran");
    expect(edited.counted).toMatchObject({ status: "miss", stored: false });
    expect(edited.counted!.notStoredReason).toContain("data.txt changed while the node ran");

    // Nothing changes now: both are computed again and stored, then hit.
    expect(await run()).toMatchObject({ greeting: { status: "miss", stored: true }, counted: { status: "miss", stored: true } });
    expect(await run()).toMatchObject({ greeting: { status: "hit" }, counted: { status: "hit" } });
  }, 60_000);
});
