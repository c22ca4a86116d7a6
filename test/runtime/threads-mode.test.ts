/**
 * Mode "threads" (and "auto" without Redis) in real processes on a copy of the parallel-project
 * fixture: results and stats as in local mode, work on several threads, errors that name the
 * node, the item and the input, a module that runs a pipeline when imported, and a process that
 * exits without close().
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { OTHER_NODE_MAJORS, otherNode } from "../helpers/other-nodes.js";
import { copyParallelProject, runParallel } from "../helpers/parallel-project.js";

let project: FixtureCopy;
beforeAll(() => {
  project = copyParallelProject();
});
afterAll(() => removeTempDirs());

const sortedKeys = (events: { key: string; status: string }[]) => events.map(({ key, status }) => `${key} ${status}`).sort();

describe('mode "threads"', () => {
  it("gives the results and stats of local mode, every miss run by a worker thread", async () => {
    const local = await runParallel(project.dir, { mode: "local", items: 12, ms: 2, rounds: 2 });
    const threads = await runParallel(project.dir, { mode: "threads", workers: 2, items: 12, ms: 2 });
    expect(threads.error).toBeUndefined();
    expect(threads.out).toEqual(local.out);
    expect(threads.stats.misses).toBe(12);
    const firstLocal = await runParallel(project.dir, { mode: "local", items: 12, ms: 2 });
    expect(sortedKeys(threads.stats.events)).toEqual(sortedKeys(firstLocal.stats.events));
    for (const event of threads.stats.events) expect(event.worker).toMatch(/^thread \d+$/);
    expect(firstLocal.stats.events.every((event) => event.worker === undefined)).toBe(true);
  });

  it("hits are answered without a thread; a second run in the same runner is all hits", async () => {
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, items: 10, ms: 1, rounds: 2 });
    expect(report.error).toBeUndefined();
    expect(report.stats.hits).toBe(10);
    expect(report.stats.events.filter((event) => event.status === "hit").every((event) => event.worker === undefined)).toBe(true);
  });

  it("runs items on two threads at once", async () => {
    // Each item waits until two threads have run one: the run only finishes if both took work.
    const barrier = makeTempDir("daft-barrier-");
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, pipeline: "meet", items: 8 }, { env: { BARRIER_DIR: barrier } });
    expect(report.error).toBeUndefined();
    expect(report.out!.met).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(report.stats.events.map((event) => event.worker)).size).toBe(2);
  });

  it("runs async functions", async () => {
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, pipeline: "async", items: 6 });
    expect(report.error).toBeUndefined();
    expect(report.out!.doubled).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it("a function that throws in a thread fails the run with the usual NodeError: node, item, original message and stack", async () => {
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, pipeline: "failing", items: 6 });
    expect(report.error).toMatchObject({ name: "NodeError", node: "checked", item: 3 });
    expect(report.error!.message).toContain('Node "checked" (output "checked") failed on item 3');
    expect(report.error!.message).toContain("value 3 is out of range");
    expect(report.error!.cause).toMatchObject({ name: "RangeError", message: "value 3 is out of range" });
    expect(report.error!.cause!.stack).toContain("nodes.mjs");
  });

  it("an input that cannot be structured-cloned is an error naming the node and the input", async () => {
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, pipeline: "described", model: "class", items: 3 });
    expect(report.error).toMatchObject({ name: "NotTransferableError", node: "described", input: "model" });
    expect(report.error!.message).toMatch(/node "described".*input "model".*cannot be sent to a worker thread: model is an instance of class Model/);
    const plain = await runParallel(project.dir, { mode: "threads", workers: 2, pipeline: "described", model: "plain", items: 2 });
    expect(plain.out!.described).toEqual(["plain:0", "plain:1"]);
  });

  it("a module that runs a pipeline when imported is refused with a message saying how to fix it", async () => {
    const { stdout } = await runNode(["--import", "daft/loader", "runs-on-import.mjs"], { cwd: project.dir, env: { ...process.env, MODE: "threads" } });
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as { error?: { message: string } };
    expect(report.error?.message).toContain("runs a pipeline when imported; move nodes to a module of their own");
    expect(report.error?.message).toContain('node "squared"');
  });

  it("a process that does not call close() still exits", async () => {
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, items: 4, ms: 1, noClose: true }, { timeoutMs: 60_000 });
    expect(report.code).toBe(0);
    expect(report.out!.total).toBe(16);
  });

  it.each(OTHER_NODE_MAJORS)("workers get the loader on Node %i too (build hashes match)", async (major) => {
    const node = await otherNode(major);
    const report = await runParallel(project.dir, { mode: "threads", workers: 2, items: 4, ms: 1 }, { node });
    expect(report.error).toBeUndefined();
    expect(report.stats.events.filter((event) => event.key.startsWith("scored")).every((event) => /^thread/.test(event.worker ?? ""))).toBe(true);
  });
});

describe('mode "auto" without redis', () => {
  it("sends a synchronous mapped node to threads and keeps async nodes in this process", async () => {
    const sync = await runParallel(project.dir, { mode: "auto", workers: 2, items: 6, ms: 1 });
    expect(sync.stats.events.filter((event) => event.key.startsWith("scored::")).every((event) => /^thread/.test(event.worker ?? ""))).toBe(true);
    const asyncRun = await runParallel(project.dir, { mode: "auto", workers: 2, pipeline: "async", items: 6 });
    expect(asyncRun.out!.doubled).toEqual([0, 2, 4, 6, 8, 10]);
    expect(asyncRun.stats.events.every((event) => event.worker === undefined)).toBe(true);
  });

  it("runs a node in this process, with a warning, when its module runs a pipeline on import", async () => {
    const { stdout, stderr } = await runNode(["--import", "daft/loader", "runs-on-import.mjs"], { cwd: project.dir, env: { ...process.env, MODE: "auto" } });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({ out: [1, 4, 9, 16] });
    expect(stderr).toContain('node "squared" runs in this process instead of worker threads');
  });
});

describe("Runner options of the parallel modes", () => {
  it("checks them at construction", async () => {
    const script = `
      import { Runner } from "daft";
      const tries = [{ mode: "threads", workers: 0 }, { mode: "distributed" }, { mode: "nope" }, { mode: "auto", batchThreshold: 0 }];
      console.log(JSON.stringify(tries.map((options) => { try { new Runner(options); return "accepted"; } catch (error) { return error.message; } })));
    `;
    const { stdout } = await runNode(["--input-type=module", "-e", script], { cwd: project.dir });
    const [workers, distributed, unknown, threshold] = JSON.parse(stdout) as string[];
    expect(workers).toContain("workers must be a whole number ≥ 1");
    expect(distributed).toContain('mode "distributed" needs redis');
    expect(unknown).toContain('unknown mode "nope"');
    expect(threshold).toContain("batchThreshold must be a whole number ≥ 1");
  });
});
