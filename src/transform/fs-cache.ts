/**
 * Memoised file-system look-ups for resolution and root detection. Module resolution probes the
 * same paths again and again (every `./x` tries several extensions); within one build the answers
 * do not change unless a watcher says so, and `forget` is how it says so.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";

export type EntryKind = "file" | "dir" | undefined;

export class FsCache {
  private readonly kinds = new Map<string, EntryKind>();
  private readonly json = new Map<string, unknown>();
  private readonly realpaths = new Map<string, string>();

  kind(path: string): EntryKind {
    if (this.kinds.has(path)) return this.kinds.get(path);
    let kind: EntryKind;
    try {
      const stats = statSync(path, { throwIfNoEntry: false });
      kind = stats ? (stats.isFile() ? "file" : stats.isDirectory() ? "dir" : undefined) : undefined;
    } catch {
      kind = undefined;
    }
    this.kinds.set(path, kind);
    return kind;
  }

  isFile(path: string): boolean {
    return this.kind(path) === "file";
  }

  isDir(path: string): boolean {
    return this.kind(path) === "dir";
  }

  /** Parsed JSON, or undefined when the file is missing or not valid JSON. */
  readJson<T>(path: string): T | undefined {
    if (this.json.has(path)) return this.json.get(path) as T | undefined;
    let value: unknown;
    if (this.isFile(path)) {
      try {
        value = JSON.parse(readFileSync(path, "utf8"));
      } catch {
        value = undefined;
      }
    }
    this.json.set(path, value);
    return value as T | undefined;
  }

  realpath(path: string): string {
    let real = this.realpaths.get(path);
    if (real === undefined) {
      try {
        real = realpathSync.native(path);
      } catch {
        real = path;
      }
      this.realpaths.set(path, real);
    }
    return real;
  }

  /** A watcher saw `path` change, appear or disappear. */
  forget(path: string): void {
    this.kinds.delete(path);
    this.json.delete(path);
    this.realpaths.delete(path);
  }

  forgetAll(): void {
    this.kinds.clear();
    this.json.clear();
    this.realpaths.clear();
  }
}
