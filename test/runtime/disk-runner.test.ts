/**
 * The runner over a real DiskCache: results persist across runners and processes, and a value
 * the disk cannot store is still returned, reported as not stored, and recomputed next time.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CacheConfig, DiskCache, func, Pipeline, Runner } from "../../src/index.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { captureStderr } from "../helpers/stderr.js";

afterAll(removeTempDirs);

const diskRunner = (cacheDir: string, verbose = false) =>
  new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir }), verbose }) });

describe("Runner with DiskCache", () => {
  it("finds results written by another runner over the same directory", async () => {
    const dir = makeTempDir();
    let calls = 0;
    const node = func({ output: "stats", cache: true }, ({ values }: { values: number[] }) => {
      calls++;
      return { sum: values.reduce((a, b) => a + b, 0), seen: new Set(values), at: new Date(0), big: 10n ** 20n };
    });
    const pipeline = new Pipeline({ functions: [node] });
    const first = await diskRunner(dir).run(pipeline, { values: [1, 2, 2] });
    const second = await diskRunner(dir).run(pipeline, { values: [1, 2, 2] });
    expect(calls).toBe(1);
    expect(second.stats).toEqual(first.stats);
    expect(second.stats.seen).toBeInstanceOf(Set);
  });

  it("returns a value it cannot store, reports it with the node and the reason, and stores nothing", async () => {
    const dir = makeTempDir();
    let calls = 0;
    const makeScorer = func({ output: "scorer", cache: true }, function makeScorer({ weight }: { weight: number }) {
      calls++;
      return (x: number) => x * weight;
    });
    const pipeline = new Pipeline({ functions: [makeScorer] });
    const runner = diskRunner(dir, true);
    const { result, stderr } = await captureStderr(() => runner.run(pipeline, { weight: 3 }));
    expect(result.scorer(2)).toBe(6);
    expect(stderr).toMatch(/\[CACHE\] scorer: ✗ MISS \(\d+\.\d\ds, not stored: .+\)/);
    expect(runner.stats.events[0]).toMatchObject({ node: "makeScorer", status: "miss", stored: false });
    expect(runner.stats.events[0]!.notStoredReason).toMatch(/function|serial|clone/i);
    expect(runner.stats.notStored).toBe(1);
    await diskRunner(dir).run(pipeline, { weight: 3 });
    expect(calls).toBe(2);
  });
});
