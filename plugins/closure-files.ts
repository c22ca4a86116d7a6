/**
 * What the plugin knows about the files its transformed modules reach: which modules reach each
 * file (so a change to a file several imports deep can be traced back to the modules whose hashes
 * it feeds), and, on rebuilds, which of those files changed on disk without the bundler saying so
 * (esbuild reports no changes at all). A one-shot build never stats anything here.
 */
import { statSync } from "node:fs";

/**
 * A file first seen in the previous build counts as changed if its modification time is this
 * close to (or after) that build's start: coarse file-system clocks (1–2 s) must not hide an edit
 * made while the build was reading. A false alarm only costs re-reading the file.
 */
const MTIME_SLACK_MS = 2_000;

export class ClosureFiles {
  /** file → module files whose closure contains it */
  private readonly reachedBy = new Map<string, Set<string>>();
  /** module file → the files of its closure, as last recorded */
  private readonly closures = new Map<string, readonly string[]>();
  /** file → "size:mtime" (or "missing") when last checked */
  private readonly stamps = new Map<string, string>();
  private previousBuildStart: number | undefined;

  /** `module` was transformed and its nodes reach `files`. */
  record(module: string, files: readonly string[]): void {
    const previous = this.closures.get(module);
    if (previous) {
      for (const file of previous) this.reachedBy.get(file)?.delete(module);
    }
    this.closures.set(module, files);
    for (const file of files) {
      let modules = this.reachedBy.get(file);
      if (!modules) this.reachedBy.set(file, (modules = new Set()));
      modules.add(module);
    }
  }

  /** The module files whose closure contains `file`. */
  modulesReaching(file: string): string[] {
    return [...(this.reachedBy.get(file) ?? [])];
  }

  /** A watcher reported `file` (and the transform forgot it): what is on disk now is the baseline. */
  changed(file: string): void {
    if (this.stamps.has(file)) this.stamps.set(file, stampOf(file).stamp);
  }

  /**
   * Called as each build starts: the closure files that changed since the previous build started
   * (none for the first build).
   */
  changedSincePreviousBuild(): string[] {
    const since = this.previousBuildStart;
    this.previousBuildStart = Date.now();
    if (since === undefined) return [];
    const changed: string[] = [];
    for (const file of this.reachedBy.keys()) {
      const { stamp, mtimeMs } = stampOf(file);
      const known = this.stamps.get(file);
      this.stamps.set(file, stamp);
      const isChanged = known !== undefined ? known !== stamp : mtimeMs === undefined || mtimeMs >= since - MTIME_SLACK_MS;
      if (isChanged) changed.push(file);
    }
    return changed;
  }
}

function stampOf(file: string): { stamp: string; mtimeMs: number | undefined } {
  try {
    const stat = statSync(file, { bigint: true });
    return { stamp: `${stat.size}:${stat.mtimeNs}`, mtimeMs: Number(stat.mtimeMs) };
  } catch {
    return { stamp: "missing", mtimeMs: undefined };
  }
}
