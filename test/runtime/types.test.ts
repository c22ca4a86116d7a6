/**
 * Compile-time behaviour of typed pipelines. `npm test` runs `tsc --noEmit` over this file: each
 * `@ts-expect-error` fails the type check if the line it marks stops being an error, and each
 * `expectTypeOf` fails it if an inferred type changes. The runs also execute, under vitest.
 */
import { describe, expectTypeOf, it } from "vitest";
import { func, Pipeline, Runner, type AnyDaftFunction, type CacheStats, type CheckedEdges, type PipelineOptions, type RunEvent } from "../../src/index.js";

const runner = new Runner({ cacheConfig: { enabled: false } });
const double = func({ output: "doubled", cache: true }, ({ x }: { x: number }) => x * 2);
const addTen = func({ output: "result" }, ({ doubled, offset = 10 }: { doubled: number; offset?: number }) => doubled + offset);
const pipeline = new Pipeline({ functions: [double, addTen] });

describe("typed pipelines", () => {
  it("types the result of a run", async () => {
    const out = await runner.run(pipeline, { x: 5 });
    expectTypeOf(out).toEqualTypeOf<{ x: number; offset?: number; doubled: number; result: number }>();
    expectTypeOf(out.result).toBeNumber();
  });

  it("rejects missing, mistyped and unknown inputs at compile time", async () => {
    // @ts-expect-error x is required
    await runner.run(pipeline, {}).catch(() => undefined);
    // @ts-expect-error x must be a number
    await runner.run(pipeline, { x: "5" }).catch(() => undefined);
    // @ts-expect-error offset must be a number
    await runner.run(pipeline, { x: 5, offset: "1" }).catch(() => undefined);
    // @ts-expect-error `y` is not an input of this pipeline
    await runner.run(pipeline, { x: 5, y: 1 }).catch(() => undefined);
    // @ts-expect-error the inputs argument cannot be left out when something is required
    await runner.run(pipeline).catch(() => undefined);
  });

  it("types mapped nodes: the axis is an array of what the function takes, the output an array", async () => {
    const length = func({ output: "lengths", mapAxis: "doc", cache: true }, async ({ doc }: { doc: { id: number; text: string } }) => doc.text.length);
    const total = func({ output: "total" }, ({ lengths }: { lengths: number[] }) => lengths.reduce((a, b) => a + b, 0));
    const mapped = new Pipeline({ functions: [length, total] });
    const out = await runner.run(mapped, { doc: [{ id: 1, text: "a" }] });
    expectTypeOf(out.lengths).toEqualTypeOf<number[]>();
    expectTypeOf(out.total).toEqualTypeOf<number>();
    // @ts-expect-error the axis takes an array of documents, not one
    await runner.run(mapped, { doc: { id: 1, text: "a" } }).catch(() => undefined);
  });

  it("lets a pipeline without inputs run without arguments, and awaits async results", async () => {
    const constant = func({ output: "answer" }, async () => 42);
    const out = await runner.run(new Pipeline({ functions: [constant] }));
    expectTypeOf(out).toEqualTypeOf<{ answer: number }>();
  });

  it("keeps the node callable with the function's own types", () => {
    expectTypeOf(double).parameter(0).toEqualTypeOf<{ x: number }>();
    expectTypeOf(double({ x: 1 })).toBeNumber();
    expectTypeOf(double.meta.output).toEqualTypeOf<"doubled">();
  });
});

describe("typed run options", () => {
  const embed = func({ output: "docVector", mapAxis: "doc", cache: true }, ({ doc }: { doc: string }) => [doc.length]);
  const embedQuery = func({ output: "queryVector" }, ({ query }: { query: string }) => [query.length]);
  const score = func({ output: "scores", mapAxis: "doc" }, ({ docVector, queryVector }: { docVector: number[]; queryVector: number[] }) => docVector[0]! * queryVector[0]!);
  const report = func({ output: "report" }, async ({ scores, title }: { scores: number[]; title: string }) => `${title}: ${scores.length}`);
  const scoring = new Pipeline({ functions: [embed, embedQuery, score, report] });
  const doc = ["a", "bb"];

  it("types a partial run: only the inputs its nodes need, only the outputs they produce", async () => {
    const out = await runner.run(scoring, { doc, query: "q" }, { outputs: ["scores"] });
    expectTypeOf(out).toEqualTypeOf<{ doc: readonly string[]; query: string; docVector: number[][]; queryVector: number[]; scores: number[] }>();
    const one = await runner.run(scoring, { query: "q" }, { outputs: ["queryVector"] });
    expectTypeOf(one).toEqualTypeOf<{ query: string; queryVector: number[] }>();
    // @ts-expect-error `title` is an input of `report` only, which this run does not run
    await runner.run(scoring, { doc, query: "q", title: "t" }, { outputs: ["scores"] }).catch(() => undefined);
    // @ts-expect-error `query` is needed for `scores`
    await runner.run(scoring, { doc }, { outputs: ["scores"] }).catch(() => undefined);
    // @ts-expect-error no node produces "score"
    await runner.run(scoring, { doc, query: "q" }, { outputs: ["score"] }).catch(() => undefined);
  });

  it("types pinned outputs as required inputs of their output's type, and drops what only their nodes needed", async () => {
    const out = await runner.run(scoring, { doc, docVector: [[1], [2]], query: "q" }, { outputs: ["scores"], pin: ["docVector"] });
    expectTypeOf(out).toEqualTypeOf<{ doc: readonly unknown[]; docVector: number[][]; query: string; queryVector: number[]; scores: number[] }>();
    const whole = await runner.run(scoring, { doc, queryVector: [1], title: "t" }, { pin: ["queryVector"] });
    expectTypeOf(whole.report).toEqualTypeOf<string>();
    // @ts-expect-error a mapped node's output is pinned as an array of its results
    await runner.run(scoring, { doc, docVector: [1, 2], query: "q" }, { outputs: ["scores"], pin: ["docVector"] }).catch(() => undefined);
    // @ts-expect-error the pinned output must be given
    await runner.run(scoring, { doc, query: "q" }, { outputs: ["scores"], pin: ["docVector"] }).catch(() => undefined);
    // @ts-expect-error a run input named like an output needs `pin`
    await runner.run(scoring, { doc, docVector: [[1], [2]], query: "q" }, { outputs: ["scores"] }).catch(() => undefined);
  });

  it("types a dry run as its stats, refresh as names or true, and onEvent's events", async () => {
    const stats = await runner.run(scoring, { doc, query: "q", title: "t" }, { dryRun: true, refresh: ["docVector"] });
    expectTypeOf(stats).toEqualTypeOf<CacheStats>();
    const maybe = await runner.run(scoring, { doc, query: "q", title: "t" }, { dryRun: Math.random() > 2 });
    expectTypeOf(maybe).toExtend<CacheStats | { report: string }>();
    const plain = await runner.run(scoring, { doc, query: "q", title: "t" }, { refresh: true, dryRun: false });
    expectTypeOf(plain.report).toEqualTypeOf<string>();
    const onEvent = (event: RunEvent) => (event.status === "failed" ? event.error : event.reason);
    expectTypeOf(new Runner({ onEvent })).toEqualTypeOf<Runner>();
  });
});

describe("typed edges", () => {
  it("accepts outputs that fit: mapped into mapped item by item, mapped into a reduce as an array, awaited results, an axis made by a node", () => {
    const load = func({ output: "docs" }, async ({ n }: { n: number }) => Array.from({ length: n }, (_, i) => ({ id: i })));
    const measure = func({ output: "sizes", mapAxis: "docs" }, ({ docs }: { docs: { id: number } }) => docs.id);
    const scale = func({ output: "scaled", mapAxis: "docs" }, ({ sizes, factor = 1 }: { sizes: number; factor?: number }) => sizes * factor);
    const total = func({ output: "total" }, ({ scaled }: { scaled: readonly number[] }) => scaled.length);
    const widen = func({ output: "label" }, ({ total: count }: { total: number | string }) => String(count));
    new Pipeline({ functions: [load, measure, scale, total, widen] });
  });

  it("rejects an output that does not fit its consumer's input, at new Pipeline", () => {
    const embed = func({ output: "docVector", mapAxis: "doc" }, ({ doc }: { doc: string }) => new Float64Array(doc.length));
    const score = func({ output: "scores", mapAxis: "doc" }, ({ docVector }: { docVector: number[] }) => docVector[0]);
    const sum = func({ output: "sum" }, ({ scores }: { scores: number }) => scores);
    // @ts-expect-error docVector is a Float64Array, score takes number[]
    expectTypeOf(() => new Pipeline({ functions: [embed, score] })).toBeFunction();
    const fine = func({ output: "scores", mapAxis: "doc" }, ({ docVector }: { docVector: Float64Array }) => docVector[0] ?? 0);
    // @ts-expect-error a mapped output is an array to a node that is not mapped
    expectTypeOf(() => new Pipeline({ functions: [embed, fine, sum] })).toBeFunction();
    expectTypeOf(() => new Pipeline({ functions: [embed, fine] })).toBeFunction();
  });

  it("lets code generic over its nodes build a pipeline with the options asserted, as the README says", () => {
    function generic<const F extends readonly AnyDaftFunction[]>(functions: F) {
      // @ts-expect-error the check cannot be decided while F is generic
      void (() => new Pipeline({ functions }));
      return new Pipeline({ functions } as PipelineOptions<F> & CheckedEdges<F>);
    }
    const double = func({ output: "doubled" }, ({ x }: { x: number }) => x * 2);
    expectTypeOf(generic([double])).toEqualTypeOf<Pipeline<readonly [typeof double]>>();
  });
});
