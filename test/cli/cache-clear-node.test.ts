/**
 * `daft cache clear <node>` on real cache directories written by real pipeline runs, with
 * another process keeping the cache open (and one holding its write lock) while it clears.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, removeTempDirs } from "../helpers/fixture.js";
import { childEnv, copyCliProject, daft, daftJson, eventsByKey, runPipeline, type RunEvent } from "../helpers/cli.js";
import { storedEntries, storedTotals } from "../helpers/disk-cache/store.js";

afterAll(removeTempDirs);

interface StatsJson {
  entries: number;
  bytes: number;
  nodes: { node: string; entries: number; bytes: number }[];
}

interface ClearJson {
  cacheDir: string;
  node: string;
  removedEntries: number;
  removedBytes: number;
  removedSignatures: number;
}

/** Node names of what the store holds, read directly (not through the CLI under test). */
function storedNodeNames(cacheDir: string): string[] {
  return storedEntries(cacheDir)
    .map((entry) => entry.nodeName ?? "")
    .sort();
}

function missed(events: RunEvent[]): string[] {
  return events
    .filter((event) => event.status === "miss")
    .map((event) => event.key)
    .sort();
}

/** The pipeline run by `run-per-line.mjs`: one DiskCache kept open, one run per line written to it. */
class OpenPipeline {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #stderr = "";

  constructor(dir: string, inputs: object) {
    this.#child = spawn(process.execPath, ["--import", "daft/loader", "run-per-line.mjs", JSON.stringify(inputs)], { cwd: dir, env: childEnv() });
    this.#child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.#stderr += chunk));
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  /** The events of the next run it reports. */
  async nextRun(): Promise<RunEvent[]> {
    const line = await this.#lines.next();
    if (line.done) throw new Error(`run-per-line.mjs ended without a report\n${this.#stderr}`);
    return (JSON.parse(line.value) as { events: RunEvent[] }).events;
  }

  /** Runs the pipeline again in the same process. */
  runAgain(): Promise<RunEvent[]> {
    this.#child.stdin.write("again\n");
    return this.nextRun();
  }

  async close(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.#child.once("close", (code) => resolve(code)));
    this.#child.stdin.end();
    return exited;
  }
}

describe("daft cache clear <node>", () => {
  it("removes that node's entries and signatures only, while another process has the cache open", async () => {
    const project = copyCliProject();
    const cacheDir = project.path(".cache");
    const open = new OpenPipeline(project.dir, { x: 5, count: 3 });
    try {
      expect(missed(await open.nextRun())).toEqual(["doubled", "scores::doc-0", "scores::doc-1", "scores::doc-2", "total"]);
      const before = await daftJson<StatsJson>(["cache", "stats"], project.dir);
      const scores = before.nodes.find((node) => node.node === "scores")!;
      expect(scores.entries).toBe(3);

      // The name stats lists: the node's output ("scores"), which takes every item of the mapped node.
      const cleared = await daft(["cache", "clear", "scores"], project.dir);
      expect(cleared.stderr).toBe("");
      expect(cleared.code).toBe(0);
      const bytesShown = scores.bytes < 1024 ? `${scores.bytes} B` : `${(scores.bytes / 1024).toFixed(1)} KiB`;
      expect(cleared.stdout).toBe(`Cleared scores from .cache: removed 3 entries (${bytesShown}) and 3 signatures\n`);

      expect(storedNodeNames(cacheDir)).toEqual(["doubled", "total"]);
      const totals = storedTotals(cacheDir);
      expect(totals.entries).toBe(2);
      expect(totals.bytes).toBe(before.bytes - scores.bytes);
      const after = await daftJson<StatsJson>(["cache", "stats"], project.dir);
      expect(after.nodes.map((node) => node.node).sort()).toEqual(["doubled", "total"]);
      const explain = await daft(["cache", "explain", "scores"], project.dir);
      expect(explain.code).toBe(1);
      expect(explain.stderr).toContain('no signature of "scores" in .cache; nodes with signatures: doubled, total');

      // The process that had the cache open all along: only the cleared node runs again (the
      // same scores, so total still hits), and it stores them again.
      const rerun = eventsByKey(await open.runAgain());
      expect(missed(Object.values(rerun))).toEqual(["scores::doc-0", "scores::doc-1", "scores::doc-2"]);
      expect(rerun["scores::doc-0"]!.reason).toBe("new");
      expect(rerun.doubled!.status).toBe("hit");
      expect(rerun.total!.status).toBe("hit");
      expect((await open.runAgain()).every((event) => event.status !== "miss")).toBe(true);

      // Cleared again under it, another node: a new process misses only that node.
      const json = await daftJson<ClearJson>(["cache", "clear", "doubled"], project.dir);
      expect(json).toMatchObject({ cacheDir, node: "doubled", removedEntries: 1, removedSignatures: 1 });
      expect(json.removedBytes).toBe(before.nodes.find((node) => node.node === "doubled")!.bytes);
      expect(missed((await runPipeline(project.dir, { x: 5, count: 3 })).events)).toEqual(["doubled"]);
      expect(missed(await open.runAgain())).toEqual([]);
    } finally {
      expect(await open.close()).toBe(0);
    }
    expect(storedNodeNames(cacheDir)).toEqual(["doubled", "scores::doc-0", "scores::doc-1", "scores::doc-2", "total"]);
  });

  it("clears one item of a mapped node by output::itemKey", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { x: 5, count: 3 });
    const json = await daftJson<ClearJson>(["cache", "clear", "scores::doc-1"], project.dir);
    expect(json).toMatchObject({ node: "scores::doc-1", removedEntries: 1, removedSignatures: 1 });
    expect(storedNodeNames(project.path(".cache"))).toEqual(["doubled", "scores::doc-0", "scores::doc-2", "total"]);
    expect(missed((await runPipeline(project.dir, { x: 5, count: 3 })).events)).toEqual(["scores::doc-1"]);
  });

  it("waits for a writer inside its transaction, and keeps the totals exact", async () => {
    const project = copyCliProject();
    const cacheDir = project.path(".cache");
    await runPipeline(project.dir, { x: 5, count: 3 });
    const holder = spawn(process.execPath, [join(repoRoot, "test/helpers/disk-cache/hold-write.mjs"), cacheDir], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    let finished = false;
    const clearing = daft(["cache", "clear", "total"], project.dir).then((result) => {
      finished = true;
      return result;
    });
    // LMDB lets one writer in at a time: the clear cannot remove anything while the other holds the lock.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(finished).toBe(false);
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    const cleared = await clearing;
    expect(cleared.stderr).toBe("");
    expect(cleared.stdout).toMatch(/^Cleared total from \.cache: removed 1 entry \(\d+ B\) and 1 signature\n$/);
    const left = storedEntries(cacheDir);
    expect(left.map((entry) => entry.nodeName).sort()).toEqual(["doubled", "scores::doc-0", "scores::doc-1", "scores::doc-2"]);
    expect(storedTotals(cacheDir)).toMatchObject({ entries: 4, bytes: left.reduce((sum, entry) => sum + entry.bytes, 0) });
  }, 60_000);

  it("refuses a name the cache holds nothing of, listing the nodes it holds", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { x: 5, count: 2 });
    const before = storedNodeNames(project.path(".cache"));

    // "score" is the function's name; nodes are named by their output. "summary" is not cached.
    for (const name of ["score", "summary", "scores::doc-7"]) {
      const refused = await daft(["cache", "clear", name], project.dir);
      expect(refused.code, name).toBe(1);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toBe(
        `daft: nothing stored for "${name}" in .cache; it holds the nodes doubled, scores, total (a node is named by its output, as daft cache stats lists it)\n`,
      );
    }
    expect(storedNodeNames(project.path(".cache"))).toEqual(before);

    const empty = await daft(["cache", "clear", ""], project.dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("daft: the node to clear cannot be an empty name");

    const nowhere = await daft(["cache", "clear", "scores", "--dir", "nowhere"], project.dir);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain("daft: no cache directory at nowhere");

    await daft(["cache", "clear"], project.dir);
    project.write(".cache/notes.txt", "mine\n");
    const cleared = await daft(["cache", "clear", "scores"], project.dir);
    expect(cleared.code).toBe(1);
    expect(cleared.stderr).toBe('daft: nothing stored for "scores" in .cache: the cache holds no node\'s results\n');
  });

  it("is listed in the help, next to clearing everything", async () => {
    const project = copyCliProject();
    const help = await daft(["cache", "clear", "--help"], project.dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: daft cache clear \[options\] \[node\]/);
    expect(help.stdout).toContain("its output name, as stats and explain show it");
  });
});
