/**
 * Compile-time behaviour of typed pipelines. `npm test` runs `tsc --noEmit` over this file: each
 * `@ts-expect-error` fails the type check if the line it marks stops being an error, and each
 * `expectTypeOf` fails it if an inferred type changes. The runs also execute, under vitest.
 */
import { describe, expectTypeOf, it } from "vitest";
import { func, Pipeline, Runner } from "../../src/index.js";

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
