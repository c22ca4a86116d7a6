// The acceptance test of "never a stale result, almost never a needless re-run" on the invalidation
// corpus (README.md in this folder): 0 stale pairs at the default settings, with the loader and
// without it, and needless misses on at most 10% of the pairs that must hit. It runs the whole
// corpus (two processes per edit) and needs the built package (`npm run build`):
//
//   npx vitest run --config bench/invalidation/vitest.config.ts
import { beforeAll, describe, expect, it } from "vitest";
import { runCorpus, type CorpusResult, type SettingSummary } from "./harness.mjs";

const NEEDLESS_TARGET = 0.1;

describe("invalidation corpus (date-fns, 9 cached nodes, real edits)", () => {
  let result: CorpusResult;
  const summary = (name: "default" | "no-loader"): SettingSummary => {
    const found = result.settings[name];
    if (!found) throw new Error(`no result for ${name}`);
    return found;
  };
  const pairsWhere = (name: "default" | "no-loader", verdict: "stale" | "needless"): string[] =>
    summary(name)
      .pairs.filter((pair) => pair.verdict === verdict)
      .map((pair) => `${pair.edit}/${pair.node}`);

  beforeAll(async () => {
    result = await runCorpus({ settings: ["default", "no-loader"], log: (line) => process.stderr.write(`${line}\n`) });
  });

  it("hits on the unchanged corpus once the cache is filled", () => {
    expect(result.unchangedMisses).toEqual({ default: [], "no-loader": [] });
  });

  it("serves no stale result with the loader and default settings", () => {
    expect(pairsWhere("default", "stale")).toEqual([]);
  });

  it("serves no stale result without the loader", () => {
    expect(pairsWhere("no-loader", "stale")).toEqual([]);
  });

  it("re-runs at most 10% of the pairs that must hit, with the loader and default settings", () => {
    const { needlessPairs, mustHitPairs } = summary("default");
    const needless = pairsWhere("default", "needless");
    expect(needlessPairs / mustHitPairs, `needless: ${needless.join(", ")}`).toBeLessThanOrEqual(NEEDLESS_TARGET);
  });
});
