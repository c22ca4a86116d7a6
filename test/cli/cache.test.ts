/**
 * `daft cache stats|clear|prune|explain` on real cache directories written by real pipeline runs
 * (`node --import daft/loader run.mjs` in a copy of fixtures/cli-project), checked against what
 * the runs reported and what is on disk.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache, hashValue } from "../../src/index.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { copyCliProject, daft, daftJson, eventsByKey, runPipeline } from "../helpers/cli.js";
import { setLastUse, storedEntries } from "../helpers/disk-cache/store.js";

afterAll(removeTempDirs);

interface StatsJson {
  cacheDir: string;
  entries: number;
  bytes: number;
  nodes: { node: string; entries: number; items: number | null; bytes: number; lastAccess: string }[];
}

interface StoredJson {
  key: string;
  bytes: number;
  createdAt: string | null;
  lastAccess: string;
}

interface ExplainJson {
  node: string;
  mapped: boolean;
  keys: {
    nodeName: string;
    codeHash: string;
    envHash: string;
    depsHash: string;
    inputsHash: string;
    parts: { env: Record<string, string>; deps: Record<string, string>; inputs: Record<string, string> };
    stored: StoredJson | null;
    older: StoredJson[];
  }[];
}

interface PruneJson {
  removed: { key: string; nodeName?: string; bytes: number }[];
  removedBytes: number;
  remainingEntries: number;
  remainingBytes: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** What the store of `cacheDir` holds, read directly (not through the CLI under test). */
function stored(cacheDir: string): { key: string; bytes: number }[] {
  return storedEntries(cacheDir).map((entry) => ({ key: entry.key ?? entry.id, bytes: entry.bytes }));
}

const sumBytes = (entries: { bytes: number }[]) => entries.reduce((sum, entry) => sum + entry.bytes, 0);

describe("daft cache stats", () => {
  it("counts what two runs stored, in all and per node, as on disk", async () => {
    const project = copyCliProject();
    const first = await runPipeline(project.dir, { x: 5, count: 3 });
    const second = await runPipeline(project.dir, { x: 10, count: 4 });
    // Every miss of the two runs stored one entry (a hit or a no-cache stores nothing).
    const storedEvents = [...first.events, ...second.events].filter((event) => event.status === "miss");
    const storedOf = (node: string) => storedEvents.filter((event) => event.key === node || event.key.startsWith(`${node}::`));

    const stats = await daftJson<StatsJson>(["cache", "stats"], project.dir);
    const inStore = stored(project.path(".cache"));
    expect(stats.cacheDir).toBe(project.path(".cache"));
    expect(stats.entries).toBe(inStore.length);
    expect(stats.entries).toBe(storedEvents.length);
    expect(stats.bytes).toBe(sumBytes(inStore));

    const byNode = Object.fromEntries(stats.nodes.map((node) => [node.node, node]));
    expect(Object.keys(byNode).sort()).toEqual(["doubled", "scores", "total"]);
    expect(byNode.scores!.entries).toBe(storedOf("scores").length);
    expect(byNode.scores!.items).toBe(new Set(storedOf("scores").map((event) => event.key)).size);
    expect(byNode.doubled).toMatchObject({ entries: storedOf("doubled").length, items: null });
    expect(byNode.total).toMatchObject({ entries: storedOf("total").length, items: null });
    expect(stats.nodes.reduce((sum, node) => sum + node.bytes, 0)).toBe(stats.bytes);
    // Largest first.
    expect(stats.nodes.map((node) => node.bytes)).toEqual([...stats.nodes.map((node) => node.bytes)].sort((a, b) => b - a));

    const text = await daft(["cache", "stats"], project.dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Cache .cache: ${stats.entries} entries`);
    expect(text.stdout).toMatch(/node\s+entries\s+items\s+size\s+last used/);
    expect(text.stdout).toMatch(new RegExp(`scores\\s+${byNode.scores!.entries}\\s+${byNode.scores!.items}\\s`));
    expect(text.stdout).toMatch(new RegExp(`doubled\\s+${byNode.doubled!.entries}\\s`));
  });

  it("reads another directory with --dir, and says when there is none", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { count: 2 }, { CACHE_DIR: "store/results" });
    const stats = await daftJson<StatsJson>(["cache", "stats", "--dir", "store/results"], project.dir);
    expect(stats.entries).toBe(stored(project.path("store/results")).length);
    expect(stats.entries).toBeGreaterThan(0);

    const missing = await daft(["cache", "stats"], project.dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`daft: no cache directory at .cache (${project.path(".cache")})`);
    expect(missing.stderr).toContain("--dir");
  });
});

describe("daft cache clear", () => {
  it("removes every entry and signature, reports them, and leaves other files alone", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { x: 5, count: 3 });
    // Files of the user's own, some named much like daft's own files and in daft's folders.
    const mine = [".cache/notes.txt", ".cache/values/keep.json", ".cache/meta/settings.json", ".cache/meta/settings.1.json", ".cache/locks/mine.lock"];
    for (const file of mine) {
      mkdirSync(dirname(project.path(file)), { recursive: true });
      writeFileSync(project.path(file), "mine\n");
    }
    const before = await daftJson<StatsJson>(["cache", "stats"], project.dir);

    const cleared = await daft(["cache", "clear"], project.dir);
    expect(cleared.code).toBe(0);
    const bytesShown = before.bytes < 1024 ? `${before.bytes} B` : `${(before.bytes / 1024).toFixed(1)} KiB`;
    // 3 items + doubled + total have a signature each.
    expect(cleared.stdout).toBe(`Cleared .cache: removed ${before.entries} entries (${bytesShown}) and 5 signatures\n`);
    expect(stored(project.path(".cache"))).toEqual([]);
    for (const file of mine) expect(readFileSync(project.path(file), "utf8"), file).toBe("mine\n");
    expect((await daftJson<StatsJson>(["cache", "stats"], project.dir)).entries).toBe(0);

    // Signatures went too: the same run again misses as new, not as a change.
    const again = await runPipeline(project.dir, { x: 5, count: 3 });
    expect(again.events.filter((event) => event.status === "miss").map((event) => event.reason)).toEqual(Array(5).fill("new"));

    const json = await daftJson<{ removedEntries: number; removedSignatures: number }>(["cache", "clear"], project.dir);
    expect(json).toMatchObject({ removedEntries: 5, removedSignatures: 5 });
  });

  it("removes the value files of daft's earlier format, and says so", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { count: 1 });
    const legacy = project.path(".cache/blobs/ab/0123456789abcd.bin");
    mkdirSync(dirname(legacy), { recursive: true });
    writeFileSync(legacy, Buffer.alloc(100));
    const stats = await daft(["cache", "stats"], project.dir);
    expect(stats.stdout).toContain("plus 1 file of an earlier daft format (100 B), never read");
    // Files of the earlier format never get in the way of a run: it hits what the first stored.
    expect((await runPipeline(project.dir, { count: 1 })).events.every((event) => event.status !== "miss")).toBe(true);
    const cleared = await daft(["cache", "clear"], project.dir);
    expect(cleared.stdout).toMatch(/and 1 file of an earlier daft format \(100 B\)\n$/);
    expect(existsSync(legacy)).toBe(false);
    expect(existsSync(project.path(".cache/blobs"))).toBe(false);
  });

  it("has nothing to do without a cache directory", async () => {
    const project = copyCliProject();
    const result = await daft(["cache", "clear", "--dir", "nowhere"], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Nothing to clear: no cache directory at nowhere\n");
    expect(existsSync(project.path("nowhere"))).toBe(false);
  });
});

describe("daft cache prune", () => {
  it("--max-size removes the least recently used first, down to the size", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { x: 5, count: 5 });
    const cacheDir = project.path(".cache");
    const scores = await daftJson<ExplainJson>(["cache", "explain", "scores"], project.dir);
    const itemFile = (i: number) => {
      const key = scores.keys.find((entry) => entry.nodeName === `scores::doc-${i}`)!;
      return { key: key.stored!.key, bytes: key.stored!.bytes };
    };
    const isStored = (key: string) => stored(cacheDir).some((entry) => entry.key === key);
    // Last used: doc-0 ten days ago, doc-1 nine days ago, … doc-4 six days ago; doubled and total now.
    const now = Date.now();
    for (let i = 0; i < 5; i++) setLastUse(cacheDir, itemFile(i).key, now - (10 - i) * DAY);
    const total = sumBytes(stored(cacheDir));
    const limit = total - itemFile(0).bytes - itemFile(1).bytes;

    const pruned = await daftJson<PruneJson>(["cache", "prune", "--max-size", String(limit)], project.dir);
    expect(pruned.removed.map((entry) => entry.nodeName)).toEqual(["scores::doc-0", "scores::doc-1"]);
    expect(pruned.removedBytes).toBe(itemFile(0).bytes + itemFile(1).bytes);
    expect(pruned.remainingBytes).toBe(limit);
    expect(pruned.remainingEntries).toBe(5);
    expect(isStored(itemFile(0).key)).toBe(false);
    expect(isStored(itemFile(2).key)).toBe(true);

    // The next run recomputes exactly what was pruned.
    const rerun = eventsByKey((await runPipeline(project.dir, { x: 5, count: 5 })).events);
    expect(Object.values(rerun).filter((event) => event.status === "miss").map((event) => event.key).sort()).toEqual([
      "scores::doc-0",
      "scores::doc-1",
    ]);

    // Human sizes: 1 KiB keeps only what fits, the most recently used.
    const text = await daft(["cache", "prune", "--max-size", "1KiB"], project.dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Pruned \.cache \(max size 1KiB = 1024 bytes\): removed \d+ entries/);
    expect(text.stdout).toContain("removed (least recently used first)");
    expect(sumBytes(stored(cacheDir))).toBeLessThanOrEqual(1024);
  });

  it("--max-age removes entries unused for longer, whatever their size", async () => {
    const project = copyCliProject();
    const cacheDir = project.path(".cache");
    await runPipeline(project.dir, { x: 5, count: 3 });
    // Everything stored so far was last used ten days ago…
    for (const entry of stored(cacheDir)) setLastUse(cacheDir, entry.key, Date.now() - 10 * DAY);
    // …then a run over other documents: new items and total, a hit on doubled (a use).
    const second = eventsByKey((await runPipeline(project.dir, { x: 5, count: 2, first: 3 })).events);
    expect(second.doubled!.status).toBe("hit");

    const pruned = await daft(["cache", "prune", "--max-age", "7d"], project.dir);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^Pruned \.cache \(max age 7d = 1 week\): removed 4 entries \([^)]+\), 4 entries \([^)]+\) remain\n/);
    const listed = pruned.stdout.split("\n").slice(3).map((line) => line.split(/\s+/)[0]).filter(Boolean);
    expect(listed.sort()).toEqual(["scores::doc-0", "scores::doc-1", "scores::doc-2", "total"]);

    const stats = await daftJson<StatsJson>(["cache", "stats"], project.dir);
    expect(Object.fromEntries(stats.nodes.map((node) => [node.node, node.entries]))).toEqual({ scores: 2, doubled: 1, total: 1 });
    const third = eventsByKey((await runPipeline(project.dir, { x: 5, count: 3 })).events);
    expect(third["scores::doc-0"]!.status).toBe("miss");
    expect(third.doubled!.status).toBe("hit");
  });

  it("without limits applies the DiskCache default, and refuses limits it cannot read", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { count: 2 });
    const before = stored(project.path(".cache")).length;
    const result = await daft(["cache", "prune"], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("max size 5.0 GiB, the DiskCache default");
    expect(result.stdout).toContain(`removed 0 entries (0 B), ${before} entries`);

    for (const [option, value, expected] of [
      ["--max-size", "lots", 'cannot read "lots" as a size'],
      ["--max-size", "5XB", 'cannot read "5XB" as a size'],
      ["--max-age", "7", 'cannot read "7" as a duration'],
      ["--max-age", "7 days", 'cannot read "7 days" as a duration'],
    ] as const) {
      const bad = await daft(["cache", "prune", option, value], project.dir);
      expect(bad.code, `${option} ${value}`).toBe(2);
      expect(bad.stderr).toContain(`daft: ${option}: ${expected}`);
    }
    expect(stored(project.path(".cache")).length).toBe(before);
  });
});

describe("daft cache explain", () => {
  it("shows each part of the latest signature, and the input that changed after another run", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { x: 5, count: 2 });
    const first = await daftJson<ExplainJson>(["cache", "explain", "doubled"], project.dir);
    expect(first.mapped).toBe(false);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]!.parts.inputs).toEqual({ x: hashValue(5) });
    expect(first.keys[0]!.older).toEqual([]);

    const second = await runPipeline(project.dir, { x: 10, count: 2 });
    expect(eventsByKey(second.events).doubled).toMatchObject({ status: "miss", reason: "inputs", detail: ["x"] });
    const after = await daftJson<ExplainJson>(["cache", "explain", "doubled"], project.dir);
    const key = after.keys[0]!;
    expect(key.parts.inputs).toEqual({ x: hashValue(10) });
    expect(key.inputsHash).not.toBe(first.keys[0]!.inputsHash);
    // Only the input changed: code, environment and imported files are the same.
    expect([key.codeHash, key.envHash, key.depsHash]).toEqual([first.keys[0]!.codeHash, first.keys[0]!.envHash, first.keys[0]!.depsHash]);
    expect(key.stored).not.toBeNull();
    expect(key.older).toHaveLength(1);

    const text = await daft(["cache", "explain", "doubled"], project.dir);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toMatch(/^doubled {2}\(latest signature, recorded \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, just now\)$/);
    expect(text.stdout).toContain(`  code    ${key.codeHash}\n`);
    expect(text.stdout).toContain(`  inputs  ${key.inputsHash}\n    x  ${hashValue(10)}\n`);
    expect(text.stdout).toMatch(/ {2}value {3}\d+ B, created .+, last used just now/);
    expect(text.stdout).toContain("  older   1 result of earlier signatures");
  });

  it("names the imported file of a mapped node's items, summarises many items and shows one on request", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { count: 5 });
    const before = await daftJson<ExplainJson>(["cache", "explain", "scores::doc-1"], project.dir);
    expect(before.keys.map((key) => key.nodeName)).toEqual(["scores::doc-1"]);
    const helper = "src/helpers/format.mjs";
    expect(Object.keys(before.keys[0]!.parts.deps)).toEqual([helper]);

    project.edit(helper, "`${doc.id}: ${doc.title}`", "`${doc.id} - ${doc.title}`");
    await runPipeline(project.dir, { count: 5 });
    const after = await daftJson<ExplainJson>(["cache", "explain", "scores::doc-1"], project.dir);
    expect(after.keys[0]!.parts.deps[helper]).not.toBe(before.keys[0]!.parts.deps[helper]);
    expect(after.keys[0]!.parts.inputs).toEqual(before.keys[0]!.parts.inputs);

    const summary = await daft(["cache", "explain", "scores"], project.dir);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^scores: mapped node, 5 items with a signature, 5 with their latest value stored, 5 older results/);
    expect(summary.stdout).toContain("distinct hashes across items: code 1, env 1, deps 1, inputs 5");
    expect(summary.stdout).toContain('the 3 most recent items follow; --all shows every item, "scores::<item key>" one of them');
    expect(summary.stdout.match(/^scores::doc-\d/gm)).toHaveLength(3);
    expect(summary.stdout).toContain(`    ${helper}  ${after.keys[0]!.parts.deps[helper]}`);
    const all = await daft(["cache", "explain", "scores", "--all"], project.dir);
    expect(all.stdout.match(/^scores::doc-\d/gm)!.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `scores::doc-${i}`));
  });

  it("says which nodes it knows when asked for another", async () => {
    const project = copyCliProject();
    await runPipeline(project.dir, { count: 1 });
    const result = await daft(["cache", "explain", "scored"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe('daft: no signature of "scored" in .cache; nodes with signatures: doubled, scores, total\n');
    const noItem = await daft(["cache", "explain", "scores::doc-9"], project.dir);
    expect(noItem.code).toBe(1);
    expect(noItem.stderr).toContain('no signature of "scores::doc-9"');
  });
});

describe("daft cache with names and times that cannot be trusted", () => {
  /** A cache written directly (as any program with a DiskCache may), with the given item key. */
  function cacheWithItem(itemKey: string, lastUse?: number): string {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: `${dir}/.cache`, maxSize: Infinity });
    const nodeName = `scores::${itemKey}`;
    cache.setBlob("0123456789abcdef", { value: 1, outputHash: "h", createdAt: Date.now() - 30 * DAY, durationMs: 1, nodeName });
    cache.setMeta({ nodeName, codeHash: "c", envHash: "", inputsHash: "i", depsHash: "d", timestamp: Date.now(), parts: { inputs: { [`in${itemKey}`]: "h" } } });
    cache.flush();
    if (lastUse !== undefined) setLastUse(`${dir}/.cache`, "0123456789abcdef", lastUse);
    return dir;
  }

  it("escapes control characters of item keys in text output, and keeps them exact in JSON", async () => {
    const hostile = "doc\u001b[2J\u001b[31mred\nforged line\r\u202eevil";
    const dir = cacheWithItem(hostile);
    const explain = await daft(["cache", "explain", "scores", "--all"], dir);
    const stats = await daft(["cache", "stats"], dir);
    expect(explain.code).toBe(0);
    for (const output of [explain.stdout, stats.stdout]) expect(output).not.toMatch(/[\u001b\r\u202e]/);
    expect(explain.stdout).toContain("scores::doc\\x1b[2J\\x1b[31mred\\nforged line\\r\\u202eevil  (latest signature");
    expect(explain.stdout).toContain("    indoc\\x1b[2J");
    expect(explain.stdout.split("\n").some((line) => line.startsWith("forged line"))).toBe(false);
    const json = await daftJson<ExplainJson>(["cache", "explain", "scores"], dir);
    expect(json.keys[0]!.nodeName).toBe(`scores::${hostile}`);

    const pruned = await daft(["cache", "prune", "--max-size", "0"], dir);
    expect(pruned.stdout).not.toMatch(/[\u001b\r\u202e]/);
    expect(pruned.stdout).toContain("scores::doc\\x1b[2J\\x1b[31mred\\nforged line");
  });

  it("does not let a last use in the future survive --max-age or show as just now", async () => {
    const dir = cacheWithItem("doc-1", Date.now() + 365 * DAY);
    const stats = await daft(["cache", "stats"], dir);
    expect(stats.stdout).not.toContain("just now");
    expect(stats.stdout).toMatch(/scores\s+1\s+1\s+\S+ B\s+4 weeks ago/); // its creation time
    const pruned = await daftJson<PruneJson>(["cache", "prune", "--max-age", "7d"], dir);
    expect(pruned.removed.map((entry) => entry.nodeName)).toEqual(["scores::doc-1"]);
  });
});
