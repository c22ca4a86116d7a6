/**
 * Whole-transform results kept from earlier transforms of a module (in this process, or in the
 * cache file), and the one rule that says whether such a result still holds:
 *
 *   the module's code hashes the same, it was made with the same settings (dependency depth and
 *   project root), and every file it was computed from still has the size and mtime it had then.
 *
 * A result that passes is returned without reading or parsing anything. One that fails only on
 * stats is not necessarily stale (a file may have been touched, not changed): the transformer
 * then compares content hashes (see transformer.ts); this module only answers by stat.
 *
 * Part of the light part (see transformer.ts): free of parser-side code, so the Node loader's
 * start-up bundle answers every unchanged module with it, without loading the cold part.
 */
import { isListing, stampHolds, type StatCache } from "./stamps.js";
import type { TransformEntry } from "./stored-data.js";

/** How paths in stamps are written: relative to the cache file's folder, or absolute without one. */
export interface StampKeys {
  key(path: string): string;
  absolute(key: string): string;
}

export const ABSOLUTE_KEYS: StampKeys = { key: (path) => path, absolute: (key) => key };

/** How many import levels get a dependency hash unless `maxDependencyDepth` says otherwise: all of them. */
export const DEFAULT_MAX_DEPENDENCY_DEPTH = Infinity;

/** `maxDependencyDepth` is a whole number ≥ 1, or Infinity (every level). */
export function isDependencyDepth(value: unknown): value is number {
  return value === Infinity || (Number.isInteger(value) && (value as number) >= 1);
}

/** The settings an entry depends on besides files: the dependency depth ("all": no limit) and the project root. */
export function settingsKey(maxDepth: number, rootKey: string): string {
  return `${Number.isFinite(maxDepth) ? maxDepth : "all"}|${rootKey}`;
}

export interface WarmMatch {
  entry: TransformEntry;
  /** Whether every stamp holds by stat (false: some file must be looked at more closely). */
  holds: boolean;
}

export class WarmTransforms {
  /** Entries made or confirmed in this process, trusted until `forgetAll` (a watcher saw a change). */
  private readonly memory = new Map<string, TransformEntry>();

  constructor(
    /** The stored entry of a module (from the cache file), if any. */
    private readonly stored: (file: string) => TransformEntry | undefined,
    private readonly stats: StatCache,
    readonly keys: StampKeys,
  ) {}

  /** The entry made from the same code with the same settings, if there is one. */
  find(file: string, source: string, settings: string): WarmMatch | undefined {
    const entry = this.memory.get(file) ?? this.stored(file);
    if (!entry || entry.source !== source || entry.settings !== settings) return undefined;
    return { entry, holds: this.holds(entry) };
  }

  /** Whether every file the entry was computed from is unchanged by stat. */
  holds(entry: TransformEntry): boolean {
    const paths = absolutePathsOf(entry, this.keys);
    for (let index = 0; index < paths.length; index += 1) {
      if (!stampHolds(entry.stamps[index]!, this.stats.get(paths[index]!))) return false;
    }
    return true;
  }

  remember(file: string, entry: TransformEntry): void {
    this.memory.set(file, entry);
  }

  forgetAll(): void {
    this.memory.clear();
  }
}

/**
 * The absolute path of each of an entry's stamps, made once per entry: entries read from the
 * cache file are shared by every transformer of the process (a new plugin per build), and a
 * node's closure may hold thousands of files.
 */
const absolutePaths = new WeakMap<TransformEntry, { keys: StampKeys; paths: string[] }>();

function absolutePathsOf(entry: TransformEntry, keys: StampKeys): string[] {
  const known = absolutePaths.get(entry);
  if (known?.keys === keys) return known.paths;
  const paths = entry.stamps.map(([key]) => keys.absolute(key));
  absolutePaths.set(entry, { keys, paths });
  return paths;
}

/** The absolute paths of an entry's files, in the order of its stamps (sorted by key): what a bundler should watch. */
export function watchFilesOf(entry: TransformEntry, keys: StampKeys): string[] {
  // A folder's listing is checked at each build, not watched (bundlers watch files).
  const paths = absolutePathsOf(entry, keys);
  return paths.filter((_, index) => !isListing(entry.stamps[index]![0]));
}
