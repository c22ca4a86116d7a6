/**
 * Memoised file-system look-ups for resolution and root detection. Module resolution probes the
 * same paths again and again (every `./x` tries several extensions); within one build the answers
 * do not change unless a watcher says so, and `forget` is how it says so.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { STAT_NO_THROW } from "./stamps.js";

export type EntryKind = "file" | "dir" | undefined;

/** A directory's entries: name → kind, "link" for symbolic links (resolved on demand). */
type Listing = Map<string, EntryKind | "link">;

export class FsCache {
  private readonly kinds = new Map<string, EntryKind>();
  /**
   * Directory listings: one readdir answers every probe in a directory (resolution tries several
   * extensions per import), instead of one stat per probe.
   */
  private readonly listings = new Map<string, Listing | null>();
  private readonly json = new Map<string, unknown>();
  private readonly realpaths = new Map<string, string>();

  kind(path: string): EntryKind {
    if (this.kinds.has(path)) return this.kinds.get(path);
    let kind: EntryKind;
    const parent = dirname(path);
    const listing = parent === path ? null : this.listing(parent);
    if (listing) {
      const entry = listing.get(basename(path));
      kind = entry === "link" ? statKind(path) : entry;
    } else {
      kind = statKind(path);
    }
    this.kinds.set(path, kind);
    return kind;
  }

  private listing(dir: string): Listing | null {
    let listing = this.listings.get(dir);
    if (listing !== undefined) return listing;
    try {
      listing = new Map();
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        listing.set(entry.name, entry.isFile() ? "file" : entry.isDirectory() ? "dir" : entry.isSymbolicLink() ? "link" : undefined);
      }
    } catch {
      listing = null; // unreadable or missing: fall back to stat
    }
    this.listings.set(dir, listing);
    return listing;
  }

  isFile(path: string): boolean {
    return this.kind(path) === "file";
  }

  /** The names of a directory's entries of one kind (empty when it cannot be read). */
  entries(dir: string, kind: "file" | "dir"): string[] {
    const listing = this.listing(dir);
    if (!listing) return [];
    return [...listing.keys()].filter((name) => this.kind(join(dir, name)) === kind).sort();
  }

  /**
   * Like `isFile`, without listing the directory: for one-off probes (walking up to the project
   * root, two names per directory), where listing a large directory would cost more than it saves.
   */
  probeFile(path: string): boolean {
    let kind = this.kinds.get(path);
    if (kind === undefined && !this.kinds.has(path)) {
      const listing = this.listings.get(dirname(path));
      const entry = listing?.get(basename(path));
      kind = listing ? (entry === "link" ? statKind(path) : entry) : statKind(path);
      this.kinds.set(path, kind);
    }
    return kind === "file";
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
    this.listings.delete(path);
    this.listings.delete(dirname(path)); // the file may have appeared in or left its directory
    this.json.delete(path);
    this.realpaths.delete(path);
  }

  forgetAll(): void {
    this.kinds.clear();
    this.listings.clear();
    this.json.clear();
    this.realpaths.clear();
  }
}

function statKind(path: string): EntryKind {
  try {
    const stats = statSync(path, STAT_NO_THROW);
    return stats ? (stats.isFile() ? "file" : stats.isDirectory() ? "dir" : undefined) : undefined;
  } catch {
    return undefined;
  }
}
