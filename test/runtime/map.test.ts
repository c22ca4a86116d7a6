import { describe, expect, it } from "vitest";
import { func, Pipeline, Runner } from "../../src/index.js";

const runner = new Runner({ cacheConfig: { enabled: false } });

describe("map axis", () => {
  const square = func({ output: "squared", mapAxis: "item" }, ({ item }: { item: number }) => item * item);
  const plusOne = func({ output: "next", mapAxis: "item" }, ({ squared, item }: { squared: number; item: number }) => squared + item);
  const total = func({ output: "total" }, ({ next }: { next: number[] }) => next.reduce((sum, value) => sum + value, 0));

  it("runs a mapped node per item, chains mapped nodes element-wise, and reduces in an unmapped node", async () => {
    const out = await runner.run(new Pipeline({ functions: [square, plusOne, total] }), { item: [1, 2, 3] });
    expect(out).toEqual({ item: [1, 2, 3], squared: [1, 4, 9], next: [2, 6, 12], total: 20 });
  });

  it("runs an unmapped node once, giving it the whole axis array", async () => {
    let calls = 0;
    const count = func({ output: "count" }, ({ item }: { item: number[] }) => {
      calls++;
      return item.length;
    });
    const out = await runner.run(new Pipeline({ functions: [square, count] }), { item: [4, 5] });
    expect(out.count).toBe(2);
    expect(calls).toBe(1);
  });

  it("broadcasts unmapped values to every item", async () => {
    const scale = func({ output: "scaled", mapAxis: "item" }, ({ item, factor }: { item: number; factor: number }) => item * factor);
    expect((await runner.run(new Pipeline({ functions: [scale] }), { item: [1, 2], factor: 10 })).scaled).toEqual([10, 20]);
  });

  it("maps over an axis produced by an upstream node", async () => {
    const load = func({ output: "docs" }, ({ n }: { n: number }) => Array.from({ length: n }, (_, i) => `doc${i}`));
    const measure = func({ output: "lengths", mapAxis: "docs" }, ({ docs }: { docs: string }) => docs.length);
    expect((await runner.run(new Pipeline({ functions: [load, measure] }), { n: 3 })).lengths).toEqual([4, 4, 4]);
  });

  it("gives empty mapped outputs for an empty array", async () => {
    const out = await runner.run(new Pipeline({ functions: [square, plusOne, total] }), { item: [] });
    expect(out).toEqual({ item: [], squared: [], next: [], total: 0 });
  });

  it("runs the node once for a non-array axis value", async () => {
    // Typed for both cases: an array axis makes `next` an array, this run's number makes it a number.
    const identity = func({ output: "same" }, ({ next }: { next: number | number[] }) => next);
    const out = await runner.run(new Pipeline({ functions: [square, plusOne, identity] }), { item: 3 as never });
    expect(out).toMatchObject({ squared: 9, next: 12, same: 12 });
  });

  it("keeps input order with async items finishing out of order, and respects concurrency", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = func({ output: "out", mapAxis: "item" }, async ({ item }: { item: number }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (5 - item) * 3));
      inFlight--;
      return item * 10;
    });
    const limited = new Runner({ cacheConfig: { enabled: false }, concurrency: 2 });
    const out = await limited.run(new Pipeline({ functions: [slow] }), { item: [0, 1, 2, 3, 4] });
    expect(out.out).toEqual([0, 10, 20, 30, 40]);
    expect(maxInFlight).toBe(2);

    maxInFlight = 0;
    await new Runner({ cacheConfig: { enabled: false }, concurrency: 8 }).run(new Pipeline({ functions: [slow] }), { item: [0, 1, 2, 3, 4] });
    expect(maxInFlight).toBe(5);
  });

  it("names the node and the item when an item fails", async () => {
    const failing = func({ output: "parsed", mapAxis: "item" }, function parse({ item }: { item: string }) {
      return JSON.parse(item) as unknown;
    });
    await expect(runner.run(new Pipeline({ functions: [failing] }), { item: ["1", "{oops"] })).rejects.toThrow(
      /Node "parse" \(output "parsed"\) failed on item 1.*JSON/,
    );
  });
});
