/**
 * What the plugin knows about the files its transformed modules reach: which modules reach each
 * file (so a change to a file several imports deep can be traced back to the modules whose hashes
 * it feeds), and each file's size and modification time when it was read (so a rebuild can find
 * changes the bundler did not report — esbuild has no per-file change events).
 */
import { statSync } from "node:fs";

export class ClosureFiles {
  /** file → module files whose closure contains it */
  private readonly reachedBy = new Map<string, Set<string>>();
  /** module file → the files of its closure, as last recorded */
  private readonly closures = new Map<string, readonly string[]>();
  /** file → "size:mtime" (or "missing") as first seen after a transform read it */
  private readonly stamps = new Map<string, string>();

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
      if (!this.stamps.has(file)) this.stamps.set(file, stampOf(file));
    }
  }

  /** The module files whose closure contains `file`. */
  modulesReaching(file: string): string[] {
    return [...(this.reachedBy.get(file) ?? [])];
  }

  /** A watcher reported `file` (and the transform forgot it): what is on disk now is the baseline. */
  changed(file: string): void {
    if (this.stamps.has(file)) this.stamps.set(file, stampOf(file));
  }

  /** Files whose size or modification time differ from what was recorded (re-stamped now). */
  changedOnDisk(): string[] {
    const changed: string[] = [];
    for (const [file, stamp] of this.stamps) {
      const now = stampOf(file);
      if (now !== stamp) {
        changed.push(file);
        this.stamps.set(file, now);
      }
    }
    return changed;
  }
}

function stampOf(file: string): string {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.size}:${stat.mtimeNs}`;
  } catch {
    return "missing";
  }
}
