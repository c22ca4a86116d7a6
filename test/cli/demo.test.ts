/**
 * The README's quick-start demo, run as `npm run demo` runs it (after the build): three fresh
 * processes through `daft run`, showing a miss, a hit, then an imported helper's edit picked up.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";

describe("the quick-start demo", () => {
  it("misses, then hits, then re-runs exactly what an edited helper reaches", async () => {
    const result = await runNode([join(repoRoot, "examples/score-documents/demo.mjs")], { cwd: repoRoot });
    expect(result.code).toBe(0);
    const [first = "", second = "", third = ""] = result.stdout.split(/^── /m).slice(1);
    const summaries = result.stderr.split("\n").filter((line) => line.startsWith("[CACHE]"));
    expect(first).toContain("First run");
    expect(summaries).toHaveLength(3);
    expect(summaries[0]).toMatch(/docVector: 6 ✗ MISS .*queryVectors: ✗ MISS .*scores: 6 ✗ MISS/);
    expect(summaries[1]).toContain("[CACHE] docVector: 6 ✓ HIT | [CACHE] queryVectors: ✓ HIT | [CACHE] scores: 6 ✓ HIT");
    expect(summaries[2]).toMatch(/docVector: 6 ✗ MISS \(.*deps changed: .*text-vectors\.mjs/);
    expect(summaries[2]).toMatch(/queryVectors: ✗ MISS \(.*deps changed: .*text-vectors\.mjs/);
    // The same ranking twice, then a different one computed with the edited helper.
    const rankings = [first, second, third].map((part = "") => part.split("\n").filter((line) => / → \w+ \(\d/.test(line)));
    expect(rankings[1]).toEqual(rankings[0]);
    expect(rankings[2]).not.toEqual(rankings[0]);
    expect(second).toContain("(13 hits, 0 misses");
  });
});
