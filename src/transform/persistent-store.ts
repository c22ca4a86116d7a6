/**
 * The transform's cache file: whole-transform results and per-file records, kept across
 * processes so a warm start only stats files.
 *
 * Layout: one JSON document, written with each part on a line of its own,
 *
 *   {"format":"daft-transform-cache","version":"…","parser":{…},
 *   "transforms":{…},
 *   "files":{…}}
 *
 * JSON.stringify never writes a raw line break, so a reader splits at the first two and parses
 * only the part it needs: a warm start needs the transforms (small), not the records of every
 * file of every closure (large), which are parsed the first time something must be recomputed.
 *
 * Paths inside are relative to the cache file's directory (a copied or moved checkout keeps its
 * cache). This module reads the file and keeps this process's changes; cold/store-writer.ts
 * writes them (only the cold part ever has something to write, so a warm start never loads the
 * writing side). Writing is atomic (temp file + rename), and several processes may share the
 * file: each one writes back only the entries it created or confirmed, on top of what is on disk
 * at that moment, so nobody's work is corrupted (at worst an entry is recomputed). A missing,
 * corrupt or foreign file reads as empty.
 *
 * Entries are data, checked field by field when read (stored-data.ts): a file anyone else could
 * have written is never trusted to hold code, and an entry that fails a check is left out (with
 * a DEBUG=daft:transform line) and computed again.
 *
 * The parser's identity (its version, and the stat of its package.json) is kept in the header:
 * records made by another parser version are not reused, and a warm start confirms the version
 * with one stat instead of resolving and reading the parser's package.json.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { debugTransform } from "../debug/index.js";
import type { ParserIdentity } from "./parser-identity.js";
import { isNormalised, relativePath } from "./paths.js";
import { statFile, stampHolds, type Stamp } from "./stamps.js";
import { RecentMap } from "./recent-map.js";
import { headerProblem } from "./stored-data.js";

export const STORE_FORMAT = "daft-transform-cache";

export interface StoreHeader {
  format: string;
  version: string;
  /** The parser version, and the stamp (key relative to the cache folder) of its package.json. */
  parser?: { version: string; stamp: Stamp };
}

export type SectionName = "transforms" | "files";

/** The file as read: its header, and the JSON text of each section (parsed on first use). */
export type StoreContent = { header: StoreHeader } & Record<SectionName, string>;

export interface StoreOptions {
  /** Entries written by another version of the transform are ignored. */
  version: string;
  /** The parser the records depend on; its version is checked on load. */
  parser?: () => ParserIdentity;
  onWarning: (message: string) => void;
}

/** What an entry that fails its checks is: why (stored-data.ts), or undefined when it passes. */
export type EntryCheck = (value: unknown) => string | undefined;

/**
 * Paths in the cache file are relative to its folder: `key` writes them, `absolute` reads them
 * back (memoised: the same closure files appear in many entries).
 */
export class RelativeKeys {
  private readonly absolutes = new Map<string, string>();
  /** The folder and its ancestors, each with the `../` that leads to it from the folder. */
  private readonly ancestors: Array<[dir: string, up: string]> = [];

  constructor(private readonly dir: string) {
    let up = "";
    for (let current = dir; ; up += "../") {
      this.ancestors.push([current.endsWith(sep) ? current : current + sep, up]);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }

  key(path: string): string {
    // The cache folder sits in node_modules/.cache, so most paths are under an ancestor of it:
    // a prefix test instead of path.relative (which normalises both sides, a cost per module).
    if (sep === "/" && isNormalised(path)) {
      for (const [ancestor, up] of this.ancestors) {
        if (path.startsWith(ancestor) || path + sep === ancestor) {
          const rest = path.slice(ancestor.length);
          return rest ? up + rest : up.slice(0, -1) || ".";
        }
      }
    }
    return relativePath(this.dir, path);
  }

  absolute(key: string): string {
    let path = this.absolutes.get(key);
    if (path === undefined) {
      path = join(this.dir, key); // join normalises the `..` a key may start with
      this.absolutes.set(key, path);
    }
    return path;
  }
}

/** Keys of the folders of the cache files used in this process: a new transformer per build reuses their memo. */
const relativeKeys = new RecentMap<string, RelativeKeys>(8);

function relativeKeysFor(dir: string): RelativeKeys {
  let keys = relativeKeys.get(dir);
  if (!keys) relativeKeys.set(dir, (keys = new RelativeKeys(dir)));
  return keys;
}

/**
 * One section of the file ("transforms" or "files"), keyed by path: parsed on first use, each
 * entry checked the first time it is asked for (a warm start checks the modules it loads, not
 * the whole file).
 */
export class StoreSection<Entry> {
  private parsed: Record<string, unknown> | undefined;
  /** Entries looked at so far: the entry, or undefined when absent or failing its checks. */
  private readonly checked = new Map<string, Entry | undefined>();
  /** Keys (relative paths) this process wrote, or removed (value undefined). */
  readonly touched = new Map<string, Entry | undefined>();

  constructor(
    readonly name: SectionName,
    readonly check: EntryCheck,
    private readonly store: PersistentStore,
  ) {}

  get(path: string): Entry | undefined {
    const key = this.store.key(path);
    if (this.checked.has(key)) return this.checked.get(key);
    // Checked once per process for a file that has not changed since (see ReadFile).
    const shared = this.store.readFile()?.sectionOf(this.name, this.check);
    if (shared?.checked.has(key)) {
      const entry = shared.checked.get(key) as Entry | undefined;
      this.checked.set(key, entry);
      return entry;
    }
    this.parsed ??= shared ? shared.parsed() : parseSection(undefined, this.name, this.store.file);
    const value = Object.hasOwn(this.parsed, key) ? this.parsed[key] : undefined;
    const entry = value === undefined ? undefined : checkedEntry<Entry>(this, key, value, this.store.file);
    this.checked.set(key, entry);
    shared?.checked.set(key, entry);
    return entry;
  }

  set(path: string, entry: Entry | undefined): void {
    const key = this.store.key(path);
    // What would not pass the checks on read is not written: it is only kept in memory.
    const problem = entry === undefined ? undefined : this.check(entry);
    if (problem !== undefined && debugTransform.enabled) debugTransform(`${this.store.file}: "${key}" not stored in "${this.name}": ${problem}`);
    const kept = problem === undefined ? entry : undefined;
    this.checked.set(key, kept);
    this.touched.set(key, kept);
  }
}

export class PersistentStore {
  private readonly keys: RelativeKeys;
  private loaded = false;
  private loadedContent: StoreContent | undefined;
  private loadedFile: ReadFile | undefined;
  private readonly opened = new Map<SectionName, StoreSection<unknown>>();
  /** Set when the header on disk no longer describes the parser (e.g. it was reinstalled). */
  staleHeader = false;

  constructor(
    readonly file: string,
    readonly options: StoreOptions,
  ) {
    this.keys = relativeKeysFor(dirname(resolve(file)));
  }

  /** The section `name`, whose entries pass `check` (each section is opened once, with one check). */
  section<Entry>(name: SectionName, check: EntryCheck): StoreSection<Entry> {
    let section = this.opened.get(name);
    if (!section) this.opened.set(name, (section = new StoreSection<unknown>(name, check, this)));
    return section as StoreSection<Entry>;
  }

  /** The sections opened so far: what a writer writes. */
  get sections(): ReadonlyMap<SectionName, StoreSection<unknown>> {
    return this.opened;
  }

  /** How paths are written in entries, shared by every store on a cache file in this folder. */
  get stampKeys(): RelativeKeys {
    return this.keys;
  }

  /** Paths stored in entries are made relative with this, and back with `absolute`. */
  key(path: string): string {
    return this.keys.key(path);
  }

  absolute(key: string): string {
    return this.keys.absolute(key);
  }

  get dirty(): boolean {
    for (const section of this.opened.values()) if (section.touched.size > 0) return true;
    return this.staleHeader;
  }

  /** The file's content as first read by this store. */
  content(): StoreContent | undefined {
    if (!this.loaded) {
      this.loaded = true;
      this.loadedContent = this.read();
      this.loadedFile = this.loadedContent && readFiles.get(this.file);
    }
    return this.loadedContent;
  }

  /** The file as first read by this store, with the entries checked so far in this process. */
  readFile(): ReadFile | undefined {
    this.content();
    return this.loadedFile;
  }

  /** The file's content now, if it is a cache of this version made with this parser. */
  read(): StoreContent | undefined {
    const content = readShared(this.file, this.options.version)?.content;
    if (!content || !this.options.parser) return content;
    const recorded = content.header.parser;
    if (!recorded) return ignored(this.file, "it names no parser");
    // The parser's package.json is unchanged since the file was written: the same parser, known
    // without resolving and reading it.
    if (stampHolds(recorded.stamp, statFile(this.absolute(recorded.stamp[0])))) return content;
    if (recorded.version !== this.options.parser().version) return ignored(this.file, `it was made with another parser (${recorded.version})`);
    this.staleHeader = true; // same version, reinstalled: record the new stamp at the next save
    return content;
  }
}

/** Says why a cache file is not used (with DEBUG=daft:transform), and reads as no file. */
function ignored(file: string, why: string): undefined {
  if (debugTransform.enabled) debugTransform(`${file}: cache file ignored: ${why}`);
  return undefined;
}

/**
 * A cache file as this process read it: its content, each section parsed, and each entry's
 * check, kept while the file is unchanged (same inode, size and modification time: every write
 * is a rename of a new file, so a new inode). Several stores on one file in one process (a
 * bundler building client and server, builds repeated in a watch process, each with a new
 * plugin) then read, parse and check it once.
 */
class ReadFile {
  private readonly sections = new Map<string, { parsed: () => Record<string, unknown>; checked: Map<string, unknown> }>();

  constructor(
    readonly identity: string,
    readonly version: string,
    readonly content: StoreContent | undefined,
    private readonly file: string,
  ) {}

  /** A section's parsed entries and checks, shared by stores that check it the same way. */
  sectionOf(name: SectionName, check: EntryCheck): { parsed: () => Record<string, unknown>; checked: Map<string, unknown> } {
    const id = `${name}\u0000${checkIds.get(check) ?? checkIds.set(check, checkIds.size).get(check)}`;
    let section = this.sections.get(id);
    if (!section) {
      let parsed: Record<string, unknown> | undefined;
      section = { parsed: () => (parsed ??= parseSection(this.content?.[name], name, this.file)), checked: new Map() };
      this.sections.set(id, section);
    }
    return section;
  }
}

const checkIds = new Map<EntryCheck, number>();
/** Files read in this process, most recent last; a few, as one build uses one or two. */
const readFiles = new RecentMap<string, ReadFile>(8);

function readShared(file: string, version: string): ReadFile | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    readFiles.delete(file);
    return undefined; // no cache yet
  }
  try {
    // The identity and the text come from one open file, so they always belong together.
    const stats = fstatSync(fd, { bigint: true });
    const identity = `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
    const known = readFiles.get(file);
    if (known && known.identity === identity && known.version === version) return known;
    const read = new ReadFile(identity, version, readContent(file, readFileSync(fd, "utf8"), version), file);
    readFiles.set(file, read);
    return read;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readContent(file: string, text: string, version: string): StoreContent | undefined {
  const first = text.indexOf("\n");
  const second = first === -1 ? -1 : text.indexOf("\n", first + 1);
  if (second === -1 || !text.startsWith('"transforms":', first + 1) || !text.startsWith('"files":', second + 1)) {
    return ignored(file, "it is not laid out as a header, a transforms line and a files line");
  }
  let header: unknown;
  try {
    header = JSON.parse(`${text.slice(0, first - 1)}}`);
  } catch {
    return ignored(file, "its header is not JSON");
  }
  const problem = headerProblem(header, STORE_FORMAT, version);
  if (problem !== undefined) return ignored(file, problem);
  const end = text.trimEnd();
  return {
    header: header as StoreHeader,
    transforms: text.slice(first + 1 + '"transforms":'.length, second - 1),
    files: end.slice(second + 1 + '"files":'.length, -1),
  };
}

/** A section's entries, unchecked; a truncated or corrupt section reads as empty (the next save replaces it). */
export function parseSection(text: string | undefined, name: SectionName, file: string): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  if (debugTransform.enabled) debugTransform(`${file}: its "${name}" section is not a JSON object: read as empty`);
  return {};
}

/** `value` if it passes the section's checks; else undefined, with a DEBUG=daft:transform line. */
export function checkedEntry<Entry>(section: StoreSection<unknown>, key: string, value: unknown, file: string): Entry | undefined {
  const problem = section.check(value);
  if (problem === undefined) return value as Entry;
  if (debugTransform.enabled) debugTransform(`${file}: entry "${key}" in "${section.name}" ignored: ${problem}`);
  return undefined;
}
