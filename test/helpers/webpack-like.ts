/**
 * What the webpack and rspack tests share: both compilers have the same run / watch / close
 * shape, so one build helper and one watch-mode scenario serve both.
 */
import { expect } from "vitest";
import type { FixtureCopy } from "./fixture.js";
import { ageFiles, hashesOf, runBuilt, transformHashes } from "./plugin-app.js";

/** The part of a webpack or rspack Stats object the checks read. */
interface StatsLike {
  toJson(options: object): { errors?: unknown[]; warnings?: unknown[] };
  compilation: { fileDependencies: Iterable<string> };
}

type Callback<T> = (error: Error | null | undefined, stats: T | undefined) => void;

/** The part of a webpack or rspack Compiler the tests drive. */
export interface CompilerLike<T extends StatsLike> {
  run(callback: Callback<T>): void;
  watch(options: { aggregateTimeout: number }, callback: Callback<T>): { close(callback: () => void): void } | undefined;
  close(callback: () => void): void;
  modifiedFiles?: ReadonlySet<string> | undefined;
}

export function expectCleanStats(stats: StatsLike | undefined): void {
  const info = stats!.toJson({ all: false, errors: true, warnings: true });
  expect(info.errors).toEqual([]);
  expect(info.warnings).toEqual([]);
}

/** One build, then the compiler closed; fails on any error or warning. */
export async function buildOnce<T extends StatsLike>(compiler: CompilerLike<T>): Promise<void> {
  const stats = await new Promise<T | undefined>((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  expectCleanStats(stats);
}

/**
 * Watch mode: the first build injects the transform's hashes and watches tsconfig.json; an edit
 * two imports below a node rebuilds the module that declares it, with a new dependency hash.
 */
export async function expectWatchRebuildsImporter<T extends StatsLike>(copy: FixtureCopy, compiler: CompilerLike<T>): Promise<void> {
  // Each finished build, with the files this run was told had changed.
  const builds: Array<{ stats: T | undefined; modified: string[] }> = [];
  let onBuild: (() => void) | undefined;
  const buildWhere = async (test: (build: (typeof builds)[number]) => boolean) => {
    for (;;) {
      const found = builds.find(test);
      if (found) return found.stats;
      await new Promise<void>((resolve) => (onBuild = resolve));
    }
  };
  ageFiles(copy);
  const watching = compiler.watch({ aggregateTimeout: 50 }, (error, stats) => {
    if (error) throw error;
    builds.push({ stats, modified: [...(compiler.modifiedFiles ?? [])] });
    onBuild?.();
  });
  try {
    const firstStats = await buildWhere(() => true);
    expectCleanStats(firstStats);
    // tsconfig.json is in the closure (it steers resolution) but is no module of the bundle:
    // only the plugin's declaration makes the bundler watch it.
    expect([...firstStats!.compilation.fileDependencies]).toContain(copy.path("tsconfig.json"));
    const first = hashesOf(await runBuilt(copy, "out/main.mjs"));
    expect(first).toEqual(transformHashes(copy));

    copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
    expectCleanStats(await buildWhere((build) => build.modified.includes(copy.path("src/text/normalise.ts"))));
    const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
    expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
    expect(second).toEqual(transformHashes(copy));
  } finally {
    await new Promise<void>((resolve) => watching!.close(() => resolve()));
  }
}
