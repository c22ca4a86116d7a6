/**
 * `new Runner({ onEvent })` on real runs: each hit, miss (once stored, or not) and uncached call
 * as it happens, each failing call, and an `onEvent` that throws never fails a run.
 */
import { describe, expect, it } from "vitest";
import { func, MemoryCache, NodeError, Pipeline, Runner, type RunEvent } from "../../src/index.js";

const byKey = (event: RunEvent) => `${event.key} ${event.status}`;

/** Warnings emitted while `run` runs. */
async function warningsOf(run: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  // Nodes declared here import daft's source by path, so each also says it has no build info.
  const listen = (warning: Error & { code?: string }) => warning.code !== "DAFT_NO_BUILD_INFO" && warnings.push(warning.message);
  process.on("warning", listen);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off("warning", listen);
  }
  return warnings;
}

describe("onEvent", () => {
  it("hears each call as it happens: a miss once its result is stored, before the next call starts", async () => {
    const timeline: string[] = [];
    const upper = func({ output: "upper", mapAxis: "doc", cache: true }, async ({ doc }: { doc: { id: string; text: string } }) => {
      timeline.push(`run ${doc.id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return doc.text.toUpperCase();
    });
    const count = func({ output: "count" }, ({ upper: texts }: { upper: string[] }) => texts.length);
    const pipeline = new Pipeline({ functions: [upper, count] });
    const events: RunEvent[] = [];
    const runner = new Runner({
      cacheConfig: { enabled: true, verbose: false },
      progress: false,
      concurrency: 1,
      onEvent: (event) => {
        events.push(event);
        timeline.push(`event ${byKey(event)}`);
      },
    });
    const docs = [
      { id: "a", text: "fox" },
      { id: "b", text: "owl" },
    ];
    await runner.run(pipeline, { doc: docs });
    expect(timeline).toEqual(["run a", "event upper::a miss", "run b", "event upper::b miss", "event count no-cache"]);
    expect(events[0]).toMatchObject({ node: "upper", output: "upper", key: "upper::a", item: 0, status: "miss", reason: "new", stored: true });
    expect(events[0]!.durationMs).toBeGreaterThan(0);
    expect(events[2]).toMatchObject({ node: "count", output: "count", key: "count", status: "no-cache" });
    expect(events[2]).not.toHaveProperty("item");

    events.length = 0;
    await runner.run(pipeline, { doc: [...docs, { id: "c", text: "elk" }] });
    expect(events.map(byKey)).toEqual(["upper::a hit", "upper::b hit", "upper::c miss", "count no-cache"]);
    expect(events.map((event) => event.status === "failed" || event.reason)).toEqual([undefined, undefined, "new", undefined]);
    // The same events, in the same order, as runner.stats keeps them.
    expect(runner.stats.events.map(byKey)).toEqual(events.map(byKey));
  });

  it("says when a result was not stored, and why", async () => {
    const events: RunEvent[] = [];
    const handle = func({ output: "handle", cache: true }, ({ x }: { x: number }) => Symbol(String(x)));
    const runner = new Runner({ cacheConfig: { enabled: true, verbose: false }, progress: false, onEvent: (event) => events.push(event) });
    await runner.run(new Pipeline({ functions: [handle] }), { x: 1 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ key: "handle", status: "miss", stored: false });
    expect(events[0]!.status !== "failed" && events[0]!.notStoredReason).toMatch(/cannot be hashed/);
  });

  it("hears each failing call of a mapped node, with its item and key, and the run fails with the first", async () => {
    const events: RunEvent[] = [];
    const check = func({ output: "checked", mapAxis: "doc", cache: true }, async function check({ doc }: { doc: { id: string; ok: boolean } }) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (!doc.ok) throw new Error(`bad ${doc.id}`);
      return doc.id;
    });
    const runner = new Runner({ cacheConfig: { enabled: true, verbose: false }, progress: false, onEvent: (event) => events.push(event) });
    const docs = [
      { id: "a", ok: true },
      { id: "b", ok: false },
      { id: "c", ok: false },
    ];
    const error = await runner.run(new Pipeline({ functions: [check] }), { doc: docs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(events.map(byKey).sort()).toEqual(["checked::a miss", "checked::b failed", "checked::c failed"]);
    const failures = events.filter((event) => event.status === "failed");
    expect(failures.map((event) => [event.node, event.output, event.item])).toEqual(
      expect.arrayContaining([
        ["check", "checked", 1],
        ["check", "checked", 2],
      ]),
    );
    for (const failure of failures) {
      expect(failure.status === "failed" && failure.error).toBeInstanceOf(NodeError);
      expect(((failure.status === "failed" && failure.error) as NodeError).cause).toMatchObject({ message: `bad ${docs[failure.item!]!.id}` });
    }
    expect(failures.some((failure) => failure.status === "failed" && failure.error === error)).toBe(true);
  });

  it("hears a node that fails before any call runs (an input that cannot be hashed) once, under its output", async () => {
    const events: RunEvent[] = [];
    const keep = func({ output: "kept", cache: true }, ({ handle }: { handle: symbol }) => String(handle));
    const runner = new Runner({ cacheConfig: { enabled: true, verbose: false }, progress: false, onEvent: (event) => events.push(event) });
    await expect(runner.run(new Pipeline({ functions: [keep] }), { handle: Symbol("h") })).rejects.toThrow(/input "handle"/);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ node: "kept", output: "kept", key: "kept", status: "failed" });
    expect(events[0]).not.toHaveProperty("item");
  });

  it("never fails a run when onEvent throws: one warning, and it still hears every event", async () => {
    let heard = 0;
    const runner = new Runner({
      cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false },
      progress: false,
      onEvent: () => {
        heard++;
        throw new Error(`logger down ${heard}`);
      },
    });
    const double = func({ output: "doubled", mapAxis: "x", cache: true }, ({ x }: { x: number }) => x * 2);
    const pipeline = new Pipeline({ functions: [double] });
    const warnings = await warningsOf(async () => {
      expect((await runner.run(pipeline, { x: [1, 2, 3] })).doubled).toEqual([2, 4, 6]);
      expect((await runner.run(pipeline, { x: [1, 2, 3] })).doubled).toEqual([2, 4, 6]);
    });
    expect(heard).toBe(6);
    expect(warnings).toEqual(["daft: onEvent threw and was ignored (later errors are not reported): logger down 1"]);
  });

  it("refuses an onEvent that is not a function", () => {
    expect(() => new Runner({ onEvent: "log" as never })).toThrow("Runner: onEvent must be a function called with each event, got string");
  });
});
