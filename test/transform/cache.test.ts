/**
 * The transformer's caches: in-memory records trusted until `invalidate`, and the persistent
 * cache file that lets a new process answer from stats alone, yet never serves stale hashes.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTransformer, type Transformer } from "../../src/transform/index.js";
import { copyFixture, fixtureHandle, makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { depsHashes, transformFile } from "../helpers/transform.js";

afterAll(removeTempDirs);

const NODES = "src/nodes.ts";
const CACHE = ".cache/daft-transform.json";

/** Sets every file's mtime an hour back, as for a checkout that was not just written. */
function ageFiles(dir: string): void {
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), past, past);
  }
}

function agedCopy(): FixtureCopy {
  const copy = copyFixture("transform-basic", { linkDaft: false });
  ageFiles(copy.dir);
  return copy;
}

function cached(copy: FixtureCopy): Transformer {
  return createTransformer({ persistentCacheFile: copy.path(CACHE) });
}

describe("persistent cache", () => {
  it("a new transformer answers from the cache file with stats only: no parsing, no reading", () => {
    const copy = agedCopy();
    const first = cached(copy);
    const cold = transformFile(copy, NODES, { transformer: first });
    expect(first.stats.files.parsed).toBeGreaterThan(5);
    first.save();

    const second = cached(copy);
    const warm = transformFile(copy, NODES, { transformer: second });
    expect(second.stats.warmHits).toBe(1);
    expect(second.stats.files.parsed).toBe(0);
    expect(second.stats.files.hashed).toBe(0);
    // The whole-transform entry carries the size and mtime of every file it depends on: the
    // per-file records (parses) are not even consulted.
    expect(second.stats.files.reusedStored).toBe(0);
    expect(warm.result.code).toBe(cold.result.code);
    expect(warm.result.watchFiles).toEqual(cold.result.watchFiles);
    expect(JSON.stringify(warm.result.map)).toBe(JSON.stringify(cold.result.map));
  });

  it("an edited dependency is re-parsed (only it) and its hashes change", () => {
    const copy = agedCopy();
    const first = cached(copy);
    const before = depsHashes(transformFile(copy, NODES, { transformer: first }).byOutput);
    first.save();
    copy.edit("src/deep.ts", "Math.round", "Math.floor");

    const second = cached(copy);
    const after = depsHashes(transformFile(copy, NODES, { transformer: second }).byOutput);
    expect(second.stats.warmHits).toBe(0);
    expect(second.stats.files.parsed).toBe(1);
    expect(after.scaled![1]).not.toBe(before.scaled![1]);
    expect(after.scaled![0]).toBe(before.scaled![0]);
  });

  it("a touched but unchanged file is confirmed by its bytes and keeps its parse", () => {
    const copy = agedCopy();
    const first = cached(copy);
    const cold = transformFile(copy, NODES, { transformer: first });
    first.save();
    const now = new Date();
    utimesSync(copy.path("src/math.ts"), now, now);

    const second = cached(copy);
    const warm = transformFile(copy, NODES, { transformer: second });
    expect(second.stats.warmHits).toBe(1);
    expect(second.stats.files.hashed).toBe(1);
    expect(second.stats.files.parsed).toBe(0);
    expect(warm.result.code).toBe(cold.result.code);
  });

  it("a same-size edit that keeps the mtime is still seen when the file was read right after being written", () => {
    const copy = agedCopy();
    const file = copy.path("src/deep.ts");
    // written "now", to whole seconds so the same mtime can be set again exactly
    const now = Math.floor(Date.now() / 1000);
    utimesSync(file, now, now);
    const first = cached(copy);
    const before = depsHashes(transformFile(copy, NODES, { transformer: first }).byOutput);
    first.save();
    const { mtimeMs, size } = statSync(file);
    copy.edit("src/deep.ts", "Math.round", "Math.trunc"); // same length
    utimesSync(file, now, now);
    expect(statSync(file).size).toBe(size);
    expect(statSync(file).mtimeMs).toBe(mtimeMs);

    const after = depsHashes(transformFile(copy, NODES, { transformer: cached(copy) }).byOutput);
    expect(after.scaled![1]).not.toBe(before.scaled![1]);
  });

  it("a change of tsconfig paths (in an extended config) is not answered from the cache", () => {
    const copy = agedCopy();
    copy.write("src/lib2/format.ts", "export function label(value: number): string {\n  return `v=${value}`;\n}\n");
    const first = cached(copy);
    transformFile(copy, NODES, { transformer: first });
    first.save();
    copy.edit("tsconfig.base.json", '"src/lib/*"', '"src/lib2/*"');

    const second = cached(copy);
    const { byOutput } = transformFile(copy, NODES, { transformer: second });
    expect(second.stats.warmHits).toBe(0);
    expect(byOutput.labelled!.depsFiles!.map(([path]) => path)).toContain("src/lib2/format.ts");
  });

  it("holds no absolute path, so a copied project (with its cache) stays warm", () => {
    const copy = agedCopy();
    const first = cached(copy);
    const cold = transformFile(copy, NODES, { transformer: first });
    first.save();
    const text = readFileSync(copy.path(CACHE), "utf8");
    expect(text).not.toContain(copy.dir);

    const moved = fixtureHandle(join(makeTempDir(), "moved"));
    cpSync(copy.dir, moved.dir, { recursive: true, preserveTimestamps: true });
    const second = cached(moved);
    const warm = transformFile(moved, NODES, { transformer: second });
    expect(second.stats.warmHits).toBe(1);
    expect(second.stats.files.parsed).toBe(0);
    expect(warm.result.code).toBe(cold.result.code);
  });

  it("a corrupt cache file reads as empty and is replaced by a valid one", () => {
    const copy = agedCopy();
    copy.write(CACHE, '{"format":"daft-transform-cache","version":');
    const transformer = cached(copy);
    const result = transformFile(copy, NODES, { transformer });
    expect(result.result.code).toBe(transformFile(copy, NODES).result.code);
    transformer.save();
    expect(JSON.parse(copy.read(CACHE)).format).toBe("daft-transform-cache");
  });

  it("two transformers saving the same cache file keep each other's entries", () => {
    const copy = agedCopy();
    copy.write("src/extra.ts", 'import { func } from "daft";\nexport const extra = func({ output: "extra" }, ({ x }: { x: number }) => x);\n');
    ageFiles(copy.dir);
    const a = cached(copy);
    const b = cached(copy);
    transformFile(copy, NODES, { transformer: a });
    transformFile(copy, "src/extra.ts", { transformer: b });
    a.save();
    b.save();

    const c = cached(copy);
    transformFile(copy, NODES, { transformer: c });
    transformFile(copy, "src/extra.ts", { transformer: c });
    expect(c.stats.warmHits).toBe(2);
  });

  it("is read and checked once per process while it is unchanged, and read again once it is rewritten", () => {
    const copy = agedCopy();
    const first = cached(copy);
    const cold = transformFile(copy, NODES, { transformer: first });
    first.save();
    const file = copy.path(CACHE);
    const wholeSecond = Math.floor(Date.now() / 1000) - 60; // an mtime utimes can set again exactly
    utimesSync(file, wholeSecond, wholeSecond);
    const second = cached(copy);
    expect(transformFile(copy, NODES, { transformer: second }).result.code).toBe(cold.result.code);
    // Garble the file in place keeping its identity (inode, size, mtime): the next transformer
    // in this process answers from what was read and checked, without reading it again.
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace('"transforms":', '"transforms"!'));
    utimesSync(file, wholeSecond, wholeSecond);
    const third = cached(copy);
    expect(transformFile(copy, NODES, { transformer: third }).result.code).toBe(cold.result.code);
    expect(third.stats.warmHits).toBe(1);
    // A rewrite (a new file renamed into place, as every save does) is read again: here a
    // damaged one, which reads as empty.
    rmSync(file);
    writeFileSync(file, text.replace('"transforms":', '"transforms"!'));
    const fourth = cached(copy);
    transformFile(copy, NODES, { transformer: fourth });
    expect(fourth.stats.warmHits).toBe(0);
  });

  it("leaves no temp files behind", () => {
    const copy = agedCopy();
    const transformer = cached(copy);
    transformFile(copy, NODES, { transformer });
    transformer.save();
    expect(readdirSync(copy.path(".cache"))).toEqual(["daft-transform.json"]);
  });
});

describe("in-memory caches", () => {
  it("trust a file until invalidate(file) says it changed", () => {
    const copy = agedCopy();
    const transformer = createTransformer();
    const before = depsHashes(transformFile(copy, NODES, { transformer }).byOutput);
    copy.edit("src/math.ts", "value * 1.5", "value * 2.5");
    const unchanged = depsHashes(transformFile(copy, NODES, { transformer }).byOutput);
    expect(unchanged).toEqual(before);
    transformer.invalidate(copy.path("src/math.ts"));
    const after = depsHashes(transformFile(copy, NODES, { transformer }).byOutput);
    expect(after.scaled![0]).not.toBe(before.scaled![0]);
  });

  it("see a newly created file after invalidate(file), and a second transform of the same code is a warm hit", () => {
    const copy = agedCopy();
    const transformer = createTransformer();
    copy.edit(NODES, 'import "./setup.js";', 'import "./setup.js";\nimport "./later.js";');
    const first = transformFile(copy, NODES, { transformer });
    expect(first.warnings.some((warning) => warning.includes('cannot resolve "./later.js"'))).toBe(true);
    copy.write("src/later.ts", "export {};\n");
    transformer.invalidate(copy.path("src/later.ts"));
    const second = transformFile(copy, NODES, { transformer });
    expect(second.byOutput.doubled!.depsFiles!.map(([path]) => path)).toContain("src/later.ts");
    transformFile(copy, NODES, { transformer });
    expect(transformer.stats.warmHits).toBe(1);
  });

  it("writes nothing without persistentCacheFile", () => {
    const copy = agedCopy();
    const transformer = createTransformer();
    transformFile(copy, NODES, { transformer });
    transformer.save();
    expect(() => statSync(copy.path(".cache"))).toThrow();
  });
});
