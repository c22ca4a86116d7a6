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

// Mapped: its results are stored in batches, and the files are checked once per batch.
export const letters = func({ output: "letters", mapAxis: "letter", cache: true }, ({ letter }) => {
  if (process.env.EDIT_HELPER && letter === "c") appendFileSync(new URL("./helper.mjs", import.meta.url), "// edited by an item\\n");
  return greet(letter);
});

export const pipeline = new Pipeline({ functions: [greeting, counted, letters] });
`;

const RUN = `import { CacheConfig, DiskCache, Runner } from "daft";
import { pipeline } from "./pipeline.mjs";
const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir: ".cache" }), verbose: false }) });
await runner.run(pipeline, { name: "ada", letter: ["a", "b", "c", "d"] });
const shown = (event) => ({ status: event.status, stored: event.stored, notStoredReason: event.notStoredReason });
const events = Object.fromEntries(runner.stats.events.filter((event) => event.output !== "letters").map((event) => [event.output, shown(event)]));
events.letters = runner.stats.events.filter((event) => event.output === "letters").map(shown);
console.log(JSON.stringify(events));
`;

interface Shown {
  status: string;
  stored?: boolean;
  notStoredReason?: string;
}
type Events = Record<string, Shown> & { letters: Shown[] };

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
    // The items of a mapped node that ended after the edit are not stored either.
    expect(edited.letters).toHaveLength(4);
    for (const item of edited.letters) {
      expect(item).toMatchObject({ status: "miss", stored: false });
      expect(item.notStoredReason).toContain("changing/helper.mjs changed while the node ran");
    }

    // Nothing changes now: both are computed again and stored, then hit.
    const again = await run();
    expect(again).toMatchObject({ greeting: { status: "miss", stored: true }, counted: { status: "miss", stored: true } });
    expect(again.letters.map((item) => item.stored)).toEqual([true, true, true, true]);
    const third = await run();
    expect(third).toMatchObject({ greeting: { status: "hit" }, counted: { status: "hit" } });
    expect(third.letters.map((item) => item.status)).toEqual(["hit", "hit", "hit", "hit"]);
  }, 60_000);
});
