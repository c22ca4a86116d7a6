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
 * cache). Writing is atomic (temp file + rename), and several processes may share the file: each
 * one writes back only the entries it created or confirmed, on top of what is on disk at that
 * moment, so nobody's work is corrupted (at worst an entry is recomputed). A missing, corrupt or
 * foreign file reads as empty.
 *
 * Entries are data, checked field by field when read (stored-data.ts): a file anyone else could
 * have written is never trusted to hold code, and an entry that fails a check is left out (with
 * a DEBUG=daft:transform line) and computed again.
 *
 * The parser's identity (its version, and the stat of its package.json) is kept in the header:
 * records made by another parser version are not reused, and a warm start confirms the version
 * with one stat instead of resolving and reading the parser's package.json.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { debugTransform } from "../debug/index.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { ParserIdentity } from "./parser-identity.js";
import { isNormalised, relativePath } from "./paths.js";
import { statFile, stampHolds, stampOf, type Stamp } from "./stamps.js";
import { headerProblem } from "./stored-data.js";

const FORMAT = "daft-transform-cache";

interface Header {
  format: string;
  version: string;
  /** The parser version, and the stamp (key relative to the cache folder) of its package.json. */
  parser?: { version: string; stamp: Stamp };
}

interface Sections {
  header: Header;
  /** JSON text of each section, parsed on first use. */
  transforms: string;
  files: string;
}

export interface StoreOptions {
  /** Entries written by another version of the transform are ignored. */
  version: string;
  /** The checks of each section's entries (stored-data.ts); a store without `files` keeps none there. */
  problems: { transforms: (value: unknown) => string | undefined; files?: (value: unknown) => string | undefined };
  /** The parser the records depend on; its version is checked on load. */
  parser?: () => ParserIdentity;
  onWarning: (message: string) => void;
}

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

/**
 * One section of the file ("transforms" or "files"): parsed on first use, each entry checked the
 * first time it is asked for (a warm start checks the modules it loads, not the whole file).
 */
class Section<Entry> {
  private parsed: Record<string, unknown> | undefined;
  /** Entries looked at so far: the entry, or undefined when absent or failing its checks. */
  private readonly checked = new Map<string, Entry | undefined>();
  /** Keys (relative paths) this process wrote, or removed (value undefined). */
  readonly touched = new Map<string, Entry | undefined>();

  constructor(
    private readonly name: SectionName,
    private readonly problemOf: (value: unknown) => string | undefined,
    private readonly text: () => string | undefined,
    private readonly file: string,
  ) {}

  get(key: string): Entry | undefined {
    if (this.checked.has(key)) return this.checked.get(key);
    this.parsed ??= parseSection(this.text(), this.name, this.file);
    const value = Object.hasOwn(this.parsed, key) ? this.parsed[key] : undefined;
    const entry = value === undefined ? undefined : this.checkedEntry(key, value);
    this.checked.set(key, entry);
    return entry;
  }

  set(key: string, entry: Entry | undefined): void {
    // What would not pass the checks on read is not written: it is only kept in memory.
    const kept = entry !== undefined && this.problemOf(entry) !== undefined ? undefined : entry;
    if (kept !== entry && debugTransform.enabled) debugTransform(`${this.file}: "${key}" not stored in "${this.name}": ${this.problemOf(entry)}`);
    this.checked.set(key, kept);
    this.touched.set(key, kept);
  }

  /** The section as it is on disk now (`text`), less what fails its checks, with this process's changes on top. */
  merged(text: string | undefined): Map<string, Entry> {
    const entries = new Map<string, Entry>();
    for (const [key, value] of Object.entries(parseSection(text, this.name, this.file))) {
      const entry = this.checkedEntry(key, value);
      if (entry !== undefined) entries.set(key, entry);
    }
    for (const [key, entry] of this.touched) {
      if (entry === undefined) entries.delete(key);
      else entries.set(key, entry);
    }
    return entries;
  }

  private checkedEntry(key: string, value: unknown): Entry | undefined {
    const problem = this.problemOf(value);
    if (problem === undefined) return value as Entry;
    if (debugTransform.enabled) debugTransform(`${this.file}: entry "${key}" in "${this.name}" ignored: ${problem}`);
    return undefined;
  }
}

type SectionName = "transforms" | "files";

export class PersistentStore<FileEntry, TransformEntry> {
  private readonly keys: RelativeKeys;
  private loaded = false;
  private sections: Sections | undefined;
  private readonly files: Section<FileEntry>;
  private readonly transforms: Section<TransformEntry>;
  /** Set when the header on disk no longer describes the parser (e.g. it was reinstalled). */
  private staleHeader = false;

  constructor(
    readonly file: string,
    private readonly options: StoreOptions,
  ) {
    this.keys = new RelativeKeys(dirname(resolve(file)));
    this.files = new Section("files", options.problems.files ?? noEntries, () => this.load()?.files, file);
    this.transforms = new Section("transforms", options.problems.transforms, () => this.load()?.transforms, file);
  }

  getFile(path: string): FileEntry | undefined {
    return this.files.get(this.key(path));
  }

  setFile(path: string, entry: FileEntry | undefined): void {
    this.files.set(this.key(path), entry);
  }

  getTransform(path: string): TransformEntry | undefined {
    return this.transforms.get(this.key(path));
  }

  setTransform(path: string, entry: TransformEntry | undefined): void {
    this.transforms.set(this.key(path), entry);
  }

  /** Paths stored in entries are made relative with this, and back with `absolute`. */
  key(path: string): string {
    return this.keys.key(path);
  }

  absolute(key: string): string {
    return this.keys.absolute(key);
  }

  get dirty(): boolean {
    return this.files.touched.size > 0 || this.transforms.touched.size > 0 || this.staleHeader;
  }

  /** Writes this process's entries over the current file (atomically). */
  save(): void {
    if (!this.dirty) return;
    const onDisk = this.read();
    const header: Header = { format: FORMAT, version: this.options.version };
    if (this.options.parser) {
      const parser = this.options.parser();
      header.parser = { version: parser.version, stamp: stampOf(this.key(parser.manifest), statFile(parser.manifest), Date.now(), parser.version) };
    }
    // Object.fromEntries defines own properties: a key like "__proto__" stays a plain key.
    const transforms = JSON.stringify(Object.fromEntries(this.transforms.merged(onDisk?.transforms)));
    const files = JSON.stringify(Object.fromEntries(this.files.merged(onDisk?.files)));
    const text = `${JSON.stringify(header).slice(0, -1)},\n"transforms":${transforms},\n"files":${files}}\n`;
    try {
      writeFileAtomic(this.file, [Buffer.from(text, "utf8")]);
      this.files.touched.clear();
      this.transforms.touched.clear();
      this.staleHeader = false;
    } catch (error) {
      this.options.onWarning(`cannot write the transform cache ${this.file}: ${(error as Error).message}`);
    }
  }

  private load(): Sections | undefined {
    if (!this.loaded) {
      this.loaded = true;
      this.sections = this.read();
    }
    return this.sections;
  }

  /** The file's sections if it is a cache of this version made with this parser. */
  private read(): Sections | undefined {
    const sections = readSections(this.file, this.options.version);
    if (!sections || !this.options.parser) return sections;
    const recorded = sections.header.parser;
    if (!recorded) return ignored(this.file, "it names no parser");
    // The parser's package.json is unchanged since the file was written: the same parser, known
    // without resolving and reading it.
    if (stampHolds(recorded.stamp, statFile(this.absolute(recorded.stamp[0])))) return sections;
    if (recorded.version !== this.options.parser().version) return ignored(this.file, `it was made with another parser (${recorded.version})`);
    this.staleHeader = true; // same version, reinstalled: record the new stamp at the next save
    return sections;
  }
}

const noEntries = (): string => "this store keeps no entries here";

/** Says why a cache file is not used (with DEBUG=daft:transform), and reads as no file. */
function ignored(file: string, why: string): undefined {
  if (debugTransform.enabled) debugTransform(`${file}: cache file ignored: ${why}`);
  return undefined;
}

function readSections(file: string, version: string): Sections | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined; // no cache yet
  }
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
  const problem = headerProblem(header, FORMAT, version);
  if (problem !== undefined) return ignored(file, problem);
  const end = text.trimEnd();
  return {
    header: header as Header,
    transforms: text.slice(first + 1 + '"transforms":'.length, second - 1),
    files: end.slice(second + 1 + '"files":'.length, -1),
  };
}

/** A section's entries, unchecked; a truncated or corrupt section reads as empty (the next save replaces it). */
function parseSection(text: string | undefined, name: SectionName, file: string): Record<string, unknown> {
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
