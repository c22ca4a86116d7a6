/**
 * Dry runs on real pipelines and real backends: every call is looked up as a real run would,
 * nothing runs and nothing is stored; the stats (and the report on stderr) say what would hit
 * and what would run and why. A hit's stored value carries the dry run on to the nodes after it;
 * a node reading the output of a node that would run would run too (`upstream`).
 */
import { afterAll, describe, expect, it } from "vitest";
import { CacheConfig, DiskCache, func, MemoryCache, Pipeline, Runner, type CacheBackend, type CacheEntry, type NodeSignature, type RunEvent } from "../../src/index.js";
import { storedEntries } from "../helpers/disk-cache/store.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { captureStderr } from "../helpers/stderr.js";

afterAll(removeTempDirs);

/** A user backend over a MemoryCache that keeps the names of the methods called on it. */
class RecordingBackend implements CacheBackend {
  readonly calls: string[] = [];
  private readonly inner = new MemoryCache();
  getMeta(nodeName: string) {
    this.calls.push("getMeta");
    return this.inner.getMeta(nodeName);
  }
  setMeta(signature: NodeSignature) {
    this.calls.push("setMeta");
    return this.inner.setMeta(signature);
  }
  getBlob(key: string) {
    this.calls.push("getBlob");
    return this.inner.getBlob(key);
  }
  setBlob(key: string, entry: CacheEntry) {
    this.calls.push("setBlob");
    return this.inner.setBlob(key, entry);
  }
  clear() {
    this.calls.push("clear");
    return this.inner.clear();
  }
  flush() {
    this.calls.push("flush");
  }
}

/** Scores documents against a query and ranks them; every call is counted per node. */
function scoring() {
  const calls: Record<string, number> = {};
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
  const embed = func({ output: "docVector", mapAxis: "doc", cache: true }, function embed({ doc }: { doc: string }) {
    count("embed");
    return [doc.length];
  });
  const embedQuery = func({ output: "queryVector", cache: true }, function embedQuery({ query }: { query: string }) {
    count("embedQuery");
    return [query.length];
  });
  const score = func({ output: "scores", mapAxis: "doc", cache: true }, function score({ docVector, queryVector }: { docVector: number[]; queryVector: number[] }) {
    count("score");
    return docVector[0]! * queryVector[0]!;
  });
  const best = func({ output: "best", cache: true }, function best({ scores }: { scores: number[] }) {
    count("best");
    return Math.max(...scores);
  });
  const report = func({ output: "report" }, function report({ best: top }: { best: number }) {
    count("report");
    return `best: ${top}`;
  });
  return { pipeline: new Pipeline({ functions: [embed, embedQuery, score, best, report] }), calls };
}

const runnerOn = (backend: CacheBackend, options: { verbose?: boolean | "explain"; perItemCaching?: boolean } = {}) =>
  new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend, verbose: false, ...options }), progress: false });

const summary = (events: readonly { node: string; status: string; reason?: string; detail?: string[] }[]) =>
  events.map((event) => [event.node, event.status, event.reason, event.detail].filter((part) => part !== undefined).join(" "));

describe("dry runs", () => {
  it("runs nothing and stores nothing on an empty cache, and says every call would run and why", async () => {
    const { pipeline, calls } = scoring();
    const backend = new RecordingBackend();
    const runner = runnerOn(backend);
    const stats = await runner.run(pipeline, { doc: ["ab", "abc"], query: "q" }, { dryRun: true });
    expect(calls).toEqual({});
    expect(backend.calls.filter((name) => name !== "getBlob" && name !== "getMeta")).toEqual([]);
    expect(stats).toBe(runner.stats);
    expect(stats).toMatchObject({ dryRun: true, hits: 0, misses: 6, noCache: 1, notStored: 0 });
    expect(summary(stats.events)).toEqual([
      "embed miss new",
      "embed miss new",
      "embedQuery miss new",
      "score miss upstream docVector,queryVector",
      "score miss upstream docVector,queryVector",
      "best miss upstream scores",
      "report no-cache",
    ]);
    expect(stats.events.every((event) => event.dryRun === true && event.durationMs === 0 && event.stored === undefined)).toBe(true);
    // Nothing was stored: the real run that follows computes everything.
    await runner.run(pipeline, { doc: ["ab", "abc"], query: "q" });
    expect(calls).toEqual({ embed: 2, embedQuery: 1, score: 2, best: 1, report: 1 });
    expect(runner.stats.misses).toBe(6);
  });

  it("loads what would hit and looks the next nodes up with it; only what depends on a new item would run", async () => {
    const { pipeline, calls } = scoring();
    const runner = runnerOn(new MemoryCache());
    await runner.run(pipeline, { doc: ["ab", "abc"], query: "q" });
    const before = { ...calls };
    const stats = await runner.run(pipeline, { doc: ["ab", "abc", "abcd"], query: "q" }, { dryRun: true });
    expect(calls).toEqual(before);
    expect(summary(stats.events)).toEqual([
      "embed hit",
      "embed hit",
      "embed miss new",
      "embedQuery hit",
      "score hit",
      "score hit",
      "score miss upstream docVector",
      "best miss upstream scores",
      "report no-cache",
    ]);
    expect(stats.nodes.map(({ node, hits, misses, noCache, items }) => ({ node, hits, misses, noCache, items }))).toEqual([
      { node: "embed", hits: 2, misses: 1, noCache: 0, items: 3 },
      { node: "embedQuery", hits: 1, misses: 0, noCache: 0, items: 1 },
      { node: "score", hits: 2, misses: 1, noCache: 0, items: 3 },
      { node: "best", hits: 0, misses: 1, noCache: 0, items: 1 },
      { node: "report", hits: 0, misses: 0, noCache: 1, items: 1 },
    ]);
    // The same inputs as the real run: the whole chain of cached nodes would hit, through loaded values.
    const same = await runner.run(pipeline, { doc: ["ab", "abc"], query: "q" }, { dryRun: true });
    expect(summary(same.events)).toEqual(["embed hit", "embed hit", "embedQuery hit", "score hit", "score hit", "best hit", "report no-cache"]);
  });

  it("says why a call would miss: the inputs or the code that changed", async () => {
    const { pipeline } = scoring();
    const runner = runnerOn(new MemoryCache());
    await runner.run(pipeline, { doc: ["ab"], query: "q" });
    const stats = await runner.run(pipeline, { doc: ["ab"], query: "longer" }, { dryRun: true });
    expect(summary(stats.events)).toEqual(["embed hit", "embedQuery miss inputs query", "score miss upstream queryVector", "best miss upstream scores", "report no-cache"]);
  });

  it("treats refreshed and uncached nodes as would-run, and the nodes after them as upstream", async () => {
    const { pipeline } = scoring();
    const runner = runnerOn(new MemoryCache());
    await runner.run(pipeline, { doc: ["ab"], query: "q" });
    const stats = await runner.run(pipeline, { doc: ["ab"], query: "q" }, { dryRun: true, refresh: ["queryVector"] });
    expect(summary(stats.events)).toEqual(["embed hit", "embedQuery miss refresh", "score miss upstream queryVector", "best miss upstream scores", "report no-cache"]);
    const off = await new Runner({ cacheConfig: { enabled: false }, progress: false }).run(pipeline, { doc: ["ab"], query: "q" }, { dryRun: true });
    expect(summary(off.events)).toEqual(["embed no-cache", "embedQuery no-cache", "score no-cache", "best no-cache", "report no-cache"]);
  });

  it("looks a mapped node cached whole up once, and a node whose axis would be produced once", async () => {
    const load = func({ output: "docs", cache: true }, function load({ n }: { n: number }) {
      return Array.from({ length: n }, (_, i) => `d${i}`);
    });
    const measure = func({ output: "lengths", mapAxis: "docs", cache: true }, function measure({ docs }: { docs: string }) {
      return docs.length;
    });
    const pipeline = new Pipeline({ functions: [load, measure] });
    const whole = runnerOn(new MemoryCache(), { perItemCaching: false });
    const cold = await whole.run(pipeline, { n: 2 }, { dryRun: true });
    expect(summary(cold.events)).toEqual(["load miss new", "measure miss upstream docs"]);
    expect(cold.nodes[1]).toMatchObject({ items: 1, misses: 1 });
    await whole.run(pipeline, { n: 2 });
    const warm = await whole.run(pipeline, { n: 2 }, { dryRun: true });
    expect(summary(warm.events)).toEqual(["load hit", "measure hit"]);
    expect(warm.nodes[1]).toMatchObject({ cachedWhole: true, items: 2, hits: 1 });
  });

  it("uses a DiskCache read-only: no value file is written, and a fresh Runner sees the same hits", async () => {
    const { pipeline } = scoring();
    const cacheDir = makeTempDir();
    const first = runnerOn(new DiskCache({ cacheDir }));
    await first.run(pipeline, { doc: ["ab", "abc"], query: "q" });
    const files = storedEntries(cacheDir).map((entry) => entry.id).sort();
    const dry = await runnerOn(new DiskCache({ cacheDir })).run(pipeline, { doc: ["ab", "abc", "x"], query: "z" }, { dryRun: true });
    expect(dry.hits).toBe(2);
    expect(storedEntries(cacheDir).map((entry) => entry.id).sort()).toEqual(files);
  });

  it("prints the report on stderr when verbose, and hands onEvent the calls that would run, marked", async () => {
    const { pipeline } = scoring();
    const events: RunEvent[] = [];
    const runner = new Runner({ cacheConfig: { enabled: true, verbose: true }, progress: false, onEvent: (event) => events.push(event) });
    await captureStderr(() => runner.run(pipeline, { doc: ["ab", "abc"], query: "q" }));
    events.length = 0;
    const { stderr } = await captureStderr(() => runner.run(pipeline, { doc: ["ab", "abc", "abcd"], query: "q" }, { dryRun: true }));
    expect(stderr).toBe(
      [
        "daft dry run (nothing ran, nothing was stored): 1 of 5 nodes would hit, 4 would run",
        "  embed → docVector         3 items: 2 would hit, 1 would run (1 new)",
        "  embedQuery → queryVector  would hit",
        "  score → scores            3 items: 2 would hit, 1 would run (1 after docVector)",
        "  best                      would run (after scores)",
        "  report                    would run (not cached)",
        "",
      ].join("\n"),
    );
    expect(events.map((event) => `${event.key.replace(/::.*/, "::item")} ${event.status}${"dryRun" in event && event.dryRun ? " (dry)" : ""}`)).toEqual([
      "docVector::item hit",
      "docVector::item hit",
      "docVector::item miss (dry)",
      "queryVector hit",
      "scores::item hit",
      "scores::item hit",
      "scores::item miss (dry)",
      "best miss (dry)",
      "report no-cache (dry)",
    ]);
    const quiet = await captureStderr(() => runnerOn(new MemoryCache()).run(pipeline, { doc: ["ab"], query: "q" }, { dryRun: true }));
    expect(quiet.stderr).toBe("");
  });
});
