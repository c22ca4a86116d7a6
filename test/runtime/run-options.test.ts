/**
 * Run options on real pipelines: `outputs` runs only what the outputs need, `pin` gives a node's
 * output as a run input, `refresh` recomputes nodes and stores over their results, and every
 * option is checked (unknown names, wrong shapes) with an error that says what to do.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CacheConfig, DiskCache, func, MemoryCache, Pipeline, Runner, type CacheBackend } from "../../src/index.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { captureStderr } from "../helpers/stderr.js";

afterAll(removeTempDirs);

/** Scores documents against a query; every call is counted per node. */
function scoring() {
  const calls: Record<string, number> = {};
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
  const embed = func({ output: "docVector", mapAxis: "doc", cache: true }, function embed({ doc }: { doc: string }) {
    count("embed");
    return [doc.length, doc.split(" ").length];
  });
  const embedQuery = func({ output: "queryVector", cache: true }, function embedQuery({ query }: { query: string }) {
    count("embedQuery");
    return [query.length, 1];
  });
  const score = func(
    { output: "scores", mapAxis: "doc", cache: true },
    function score({ docVector, queryVector }: { docVector: number[]; queryVector: number[] }) {
      count("score");
      return docVector[0]! * queryVector[0]! + docVector[1]! * queryVector[1]!;
    },
  );
  const report = func({ output: "report" }, function report({ scores, title }: { scores: number[]; title: string }) {
    count("report");
    return `${title}: ${Math.max(...scores)}`;
  });
  const pipeline = new Pipeline({ functions: [embed, embedQuery, score, report] });
  return { pipeline, calls };
}

const cached = (backend: CacheBackend = new MemoryCache()) => new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend, verbose: false }), progress: false });
const doc = ["red fox", "blue whale"];

describe("outputs: partial runs", () => {
  it("runs only the nodes the outputs need, and returns the inputs and their outputs", async () => {
    const { pipeline, calls } = scoring();
    const out = await cached().run(pipeline, { doc, query: "fox" }, { outputs: ["scores"] });
    expect(out).toEqual({ doc, query: "fox", docVector: [[7, 2], [10, 2]], queryVector: [3, 1], scores: [23, 32] });
    expect(calls).toEqual({ embed: 2, embedQuery: 1, score: 2 });
  });

  it("requires only the inputs of the nodes it runs: a missing input of another node is no error", async () => {
    const { pipeline } = scoring();
    const out = await cached().run(pipeline, { query: "fox" }, { outputs: ["queryVector"] });
    expect(out).toEqual({ query: "fox", queryVector: [3, 1] });
    // The same run for every output does need `doc` and `title`, and says which nodes lack them.
    await expect(cached().run(pipeline, { query: "fox" } as never)).rejects.toThrow(
      /Cannot resolve pipeline dependencies:\n {2}- node "embed" \(output "docVector"\) is missing "doc"[\s\S]*node "report" \(output "report"\) is missing "title"/,
    );
    // Missing inputs of a partial run name the nodes it runs only.
    const error = await cached()
      .run(pipeline, {} as never, { outputs: ["queryVector"] })
      .then(
        () => new Error("the run did not fail"),
        (e: unknown) => e as Error,
      );
    expect(error.message).toMatch(/node "embedQuery" \(output "queryVector"\) is missing "query"/);
    expect(error.message).not.toMatch(/embed"|report/);
  });

  it("takes a produced optional input from its node, and follows the map axis to the node producing it", async () => {
    const load = func({ output: "docs" }, ({ n }: { n: number }) => Array.from({ length: n }, (_, i) => `d${i}`));
    const offset = func({ output: "offset" }, ({ base }: { base: number }) => base * 10);
    const measure = func({ output: "lengths", mapAxis: "docs" }, ({ docs, offset = 0 }: { docs: string; offset?: number }) => docs.length + offset);
    const unrelated = func({ output: "other" }, ({ never }: { never: string }) => never);
    const pipeline = new Pipeline({ functions: [unrelated, measure, offset, load] });
    const out = await cached().run(pipeline, { n: 2, base: 1 }, { outputs: ["lengths"] });
    expect(out).toEqual({ n: 2, base: 1, docs: ["d0", "d1"], offset: 10, lengths: [12, 12] });
  });

  it("names an unknown output and lists the pipeline's outputs", async () => {
    const { pipeline } = scoring();
    await expect(cached().run(pipeline, { doc, query: "q" }, { outputs: ["score" as never] })).rejects.toThrow(
      'runner.run options.outputs: no node produces "score"; the pipeline\'s outputs: "docVector", "queryVector", "scores", "report"',
    );
  });
});

describe("pin: a node's output given as a run input", () => {
  it("replaces the node: it does not run, and its consumers take the given value", async () => {
    const { pipeline, calls } = scoring();
    const runner = cached();
    const out = await runner.run(pipeline, { doc, docVector: [[1, 0], [0, 1]], query: "fox" }, { outputs: ["scores"], pin: ["docVector"] });
    expect(out).toEqual({ doc, docVector: [[1, 0], [0, 1]], query: "fox", queryVector: [3, 1], scores: [3, 1] });
    expect(calls).toEqual({ embedQuery: 1, score: 2 });
    expect(runner.stats.nodes.map((node) => node.node)).toEqual(["embedQuery", "score"]);
  });

  it("hashes the pinned value as an input: the value the node would produce hits what it produced", async () => {
    const { pipeline, calls } = scoring();
    const runner = cached();
    const first = await runner.run(pipeline, { doc, query: "fox", title: "t" });
    const pinned = await runner.run(pipeline, { doc, query: "fox", title: "t", docVector: first.docVector }, { pin: ["docVector"] });
    expect(pinned.scores).toEqual(first.scores);
    expect(calls.score).toBe(2); // the second run's scores were hits
    expect(runner.stats.events.filter((event) => event.node === "score").map((event) => event.status)).toEqual(["hit", "hit"]);
    // Another value is another input: its scores are computed, and say why.
    await runner.run(pipeline, { doc, query: "fox", title: "t", docVector: [[0, 0], [1, 1]] }, { pin: ["docVector"] });
    expect(runner.stats.events.filter((event) => event.node === "score").map((event) => [event.status, event.reason, event.detail])).toEqual([
      ["miss", "inputs", ["docVector"]],
      ["miss", "inputs", ["docVector"]],
    ]);
  });

  it("pins an unmapped node's output whole, also on a DiskCache across runners", async () => {
    const { pipeline, calls } = scoring();
    const cacheDir = makeTempDir();
    const run = () => cached(new DiskCache({ cacheDir }));
    const out = await run().run(pipeline, { doc, queryVector: [1, 1], title: "best" }, { pin: ["queryVector"] });
    expect(out.scores).toEqual([9, 12]);
    expect(out.report).toBe("best: 12");
    expect(calls.embedQuery).toBeUndefined();
    const again = run();
    await again.run(pipeline, { doc, queryVector: [1, 1], title: "best" }, { pin: ["queryVector"] });
    expect(again.stats.hits).toBe(4);
  });

  it("refuses a mapped node's output that is not one element per item", async () => {
    const { pipeline } = scoring();
    await expect(cached().run(pipeline, { doc, docVector: [[1, 0]], query: "q" }, { outputs: ["scores"], pin: ["docVector"] })).rejects.toThrow(
      'runner.run: pinned "docVector" is the output of node "embed", mapped over "doc": give an array with one element per item of "doc" (2), got 1 elements',
    );
  });

  it("keeps a run input named like an output an error unless pinned, and says how to pin it", async () => {
    const { pipeline } = scoring();
    await expect(cached().run(pipeline, { doc, query: "q", title: "t", queryVector: [1, 1] } as never)).rejects.toThrow(
      'Run input "queryVector" is also the output of node "embedQuery", which would overwrite it. To use the given value instead of running the node, pin it: runner.run(pipeline, inputs, { pin: ["queryVector"] }).',
    );
  });

  it("names a pin that is no output, and a pinned output the inputs do not give", async () => {
    const { pipeline } = scoring();
    await expect(cached().run(pipeline, { doc, query: "q", title: "t" }, { pin: ["query" as never] })).rejects.toThrow(
      /options.pin: no node produces "query"; pin names node outputs given as run inputs \(the pipeline's outputs: "docVector"/,
    );
    await expect(cached().run(pipeline, { doc, query: "q", title: "t" } as never, { pin: ["queryVector"] })).rejects.toThrow(
      'runner.run options.pin: "queryVector" is pinned but the run inputs do not give it; pass its value as runner.run(pipeline, { queryVector: … }, { pin: ["queryVector"] })',
    );
  });
});

describe("refresh: recompute nodes and store over their results", () => {
  it("recomputes the named node without a lookup, stores the new result, and lets the nodes after it hit", async () => {
    let version = 1;
    const embed = func({ output: "docVector", mapAxis: "doc", cache: true }, function embed({ doc }: { doc: string }) {
      return [doc.length * version];
    });
    const score = func({ output: "scores", mapAxis: "doc", cache: true }, function score({ docVector }: { docVector: number[] }) {
      return docVector[0]! + 1;
    });
    const pipeline = new Pipeline({ functions: [embed, score] });
    const runner = cached();
    await runner.run(pipeline, { doc });
    // Same code, same inputs: a normal run hits what the first stored.
    version = 2;
    expect((await runner.run(pipeline, { doc })).docVector).toEqual([[7], [10]]);
    // A refresh computes again and stores the new values: the next plain run hits them.
    const refreshed = await runner.run(pipeline, { doc }, { refresh: ["embed"] });
    expect(refreshed.docVector).toEqual([[14], [20]]);
    expect(runner.stats.events.map((event) => [event.node, event.status, event.reason, event.stored])).toEqual([
      ["embed", "miss", "refresh", true],
      ["embed", "miss", "refresh", true],
      ["score", "miss", "inputs", true],
      ["score", "miss", "inputs", true],
    ]);
    expect((await runner.run(pipeline, { doc })).docVector).toEqual([[14], [20]]);
    expect(runner.stats.hits).toBe(4);
    // Refreshed to the same value: the nodes after it hit (early cutoff).
    await runner.run(pipeline, { doc }, { refresh: ["docVector"] });
    expect(runner.stats.events.map((event) => `${event.node} ${event.status}`)).toEqual(["embed miss", "embed miss", "score hit", "score hit"]);
  });

  it("says refreshed in the [CACHE] summary", async () => {
    const { pipeline } = scoring();
    const runner = new Runner({ cacheConfig: { enabled: true, verbose: "explain" }, progress: false });
    await captureStderr(() => runner.run(pipeline, { doc, query: "q", title: "t" }));
    const { stderr } = await captureStderr(() => runner.run(pipeline, { doc, query: "q", title: "t" }, { refresh: ["queryVector", "score"] }));
    expect(stderr).toMatch(/\[CACHE\] docVector: 2 ✓ HIT \| \[CACHE\] queryVector: ✗ MISS \(\d\.\d\ds, refreshed\) \| \[CACHE\] scores: 2 ✗ MISS \(\d\.\d\ds, 2 refreshed\) \| report: NO-CACHE/);
  });

  it("refreshes every node of the run with true, a cached whole mapped node too", async () => {
    const { pipeline, calls } = scoring();
    const runner = new Runner({ cacheConfig: { enabled: true, verbose: false, perItemCaching: false }, progress: false });
    await runner.run(pipeline, { doc, query: "q" }, { outputs: ["scores"] });
    await runner.run(pipeline, { doc, query: "q" }, { outputs: ["scores"], refresh: true });
    expect(calls).toEqual({ embed: 4, embedQuery: 2, score: 4 });
    expect(runner.stats.events.map((event) => event.reason)).toEqual(["refresh", "refresh", "refresh"]);
    await runner.run(pipeline, { doc, query: "q" }, { outputs: ["scores"], refresh: false });
    expect(runner.stats.hits).toBe(3);
  });

  it("names a node by output or function name, and refuses unknown, shared and idle names", async () => {
    const { pipeline } = scoring();
    const inputs = { doc, query: "q", title: "t" };
    await expect(cached().run(pipeline, inputs, { refresh: ["embedding"] })).rejects.toThrow(
      'runner.run options.refresh: no node is named "embedding" or produces it; the nodes: "embed" (output "docVector"), "embedQuery" (output "queryVector"), "score" (output "scores"), "report"',
    );
    const first = func({ output: "a" }, function step({ x }: { x: number }) {
      return x;
    });
    const second = func({ output: "b" }, function step({ a }: { a: number }) {
      return a;
    });
    const shared = new Pipeline({ functions: [first, second] });
    await expect(cached().run(shared, { x: 1 }, { refresh: ["step"] })).rejects.toThrow(
      'runner.run options.refresh: "step" is the name of 2 nodes ("step" (output "a"), "step" (output "b")); name the one to refresh by its output',
    );
    expect((await cached().run(shared, { x: 1 }, { refresh: ["b"] })).b).toBe(1);
    await expect(cached().run(pipeline, { query: "q" }, { outputs: ["queryVector"], refresh: ["embed"] })).rejects.toThrow(
      'runner.run options.refresh: node "embed" (output "docVector") does not run in this run (its output is pinned, or not needed for the outputs asked for)',
    );
  });
});

describe("run options are checked", () => {
  it("names an unknown option and a wrong type", async () => {
    const { pipeline } = scoring();
    const inputs = { doc, query: "q", title: "t" };
    await expect(cached().run(pipeline, inputs, { output: ["scores"] } as never)).rejects.toThrow(
      'runner.run options: unknown option "output"; the options are outputs, pin, refresh, dryRun',
    );
    await expect(cached().run(pipeline, inputs, { outputs: "scores" } as never)).rejects.toThrow("runner.run options.outputs must be an array of output names");
    await expect(cached().run(pipeline, inputs, { refresh: "embed" } as never)).rejects.toThrow(/options.refresh must be an array of node names/);
    await expect(cached().run(pipeline, inputs, { dryRun: 1 } as never)).rejects.toThrow("runner.run options.dryRun must be true or false");
    await expect(cached().run(pipeline, inputs, [] as never)).rejects.toThrow(/options must be an object/);
  });

  it("rejects a node listed twice at construction, naming it and both places", () => {
    const node = func({ output: "docVector", mapAxis: "doc" }, function embed({ doc: text }: { doc: string }) {
      return text;
    });
    expect(() => new Pipeline({ functions: [node, node] as never })).toThrow(
      'Pipeline: node "embed" (output "docVector") is listed twice, as functions[0] and functions[1]; list each node once',
    );
  });
});
