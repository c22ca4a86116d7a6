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
 * The parser's identity (its version, and the stat of its package.json) is kept in the header:
 * records made by another parser version are not reused, and a warm start confirms the version
 * with one stat instead of resolving and reading the parser's package.json.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { ParserIdentity } from "./parser-identity.js";
import { isNormalised, relativePath } from "./paths.js";
import { statFile, stampHolds, stampOf, type Stamp } from "./stamps.js";

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

export class PersistentStore<FileEntry, TransformEntry> {
  private readonly keys: RelativeKeys;
  private loaded = false;
  private sections: Sections | undefined;
  private files: Map<string, FileEntry> | undefined;
  private transforms: Map<string, TransformEntry> | undefined;
  /** Keys (relative paths) this process wrote, or removed (value undefined). */
  private readonly touchedFiles = new Map<string, FileEntry | undefined>();
  private readonly touchedTransforms = new Map<string, TransformEntry | undefined>();
  /** Set when the header on disk no longer describes the parser (e.g. it was reinstalled). */
  private staleHeader = false;

  constructor(
    readonly file: string,
    private readonly options: StoreOptions,
  ) {
    this.keys = new RelativeKeys(dirname(resolve(file)));
  }

  getFile(path: string): FileEntry | undefined {
    return this.fileEntries().get(this.key(path));
  }

  setFile(path: string, entry: FileEntry | undefined): void {
    const key = this.key(path);
    if (entry === undefined) this.fileEntries().delete(key);
    else this.fileEntries().set(key, entry);
    this.touchedFiles.set(key, entry);
  }

  getTransform(path: string): TransformEntry | undefined {
    return this.transformEntries().get(this.key(path));
  }

  setTransform(path: string, entry: TransformEntry | undefined): void {
    const key = this.key(path);
    if (entry === undefined) this.transformEntries().delete(key);
    else this.transformEntries().set(key, entry);
    this.touchedTransforms.set(key, entry);
  }

  /** Paths stored in entries are made relative with this, and back with `absolute`. */
  key(path: string): string {
    return this.keys.key(path);
  }

  absolute(key: string): string {
    return this.keys.absolute(key);
  }

  get dirty(): boolean {
    return this.touchedFiles.size > 0 || this.touchedTransforms.size > 0 || this.staleHeader;
  }

  /** Writes this process's entries over the current file (atomically). */
  save(): void {
    if (!this.dirty) return;
    const onDisk = this.read();
    const files = parseSection<FileEntry>(onDisk?.files);
    const transforms = parseSection<TransformEntry>(onDisk?.transforms);
    for (const [key, entry] of this.touchedFiles) {
      if (entry === undefined) delete files[key];
      else files[key] = entry;
    }
    for (const [key, entry] of this.touchedTransforms) {
      if (entry === undefined) delete transforms[key];
      else transforms[key] = entry;
    }
    const header: Header = { format: FORMAT, version: this.options.version };
    if (this.options.parser) {
      const parser = this.options.parser();
      header.parser = { version: parser.version, stamp: stampOf(this.key(parser.manifest), statFile(parser.manifest), Date.now(), parser.version) };
    }
    const headerText = JSON.stringify(header);
    const text = `${headerText.slice(0, -1)},\n"transforms":${JSON.stringify(transforms)},\n"files":${JSON.stringify(files)}}\n`;
    try {
      writeFileAtomic(this.file, [Buffer.from(text, "utf8")]);
      this.touchedFiles.clear();
      this.touchedTransforms.clear();
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

  private fileEntries(): Map<string, FileEntry> {
    this.files ??= new Map(Object.entries(parseSection<FileEntry>(this.load()?.files)));
    return this.files;
  }

  private transformEntries(): Map<string, TransformEntry> {
    this.transforms ??= new Map(Object.entries(parseSection<TransformEntry>(this.load()?.transforms)));
    return this.transforms;
  }

  /** The file's sections if it is a cache of this version made with this parser. */
  private read(): Sections | undefined {
    const sections = readSections(this.file, this.options.version);
    if (!sections || !this.options.parser) return sections;
    const recorded = sections.header.parser;
    if (!recorded) return undefined;
    // The parser's package.json is unchanged since the file was written: the same parser, known
    // without resolving and reading it.
    if (stampHolds(recorded.stamp, statFile(this.absolute(recorded.stamp[0])))) return sections;
    if (recorded.version !== this.options.parser().version) return undefined;
    this.staleHeader = true; // same version, reinstalled: record the new stamp at the next save
    return sections;
  }
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
  if (second === -1 || !text.startsWith('"transforms":', first + 1) || !text.startsWith('"files":', second + 1)) return undefined;
  let header: Header;
  try {
    header = JSON.parse(`${text.slice(0, first - 1)}}`) as Header;
  } catch {
    return undefined;
  }
  if (header?.format !== FORMAT || header.version !== version) return undefined;
  const end = text.trimEnd();
  return {
    header,
    transforms: text.slice(first + 1 + '"transforms":'.length, second - 1),
    files: end.slice(second + 1 + '"files":'.length, -1),
  };
}

/** A section's entries; a truncated or corrupt section reads as empty (the next save replaces it). */
function parseSection<Entry>(text: string | undefined): Record<string, Entry> {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

