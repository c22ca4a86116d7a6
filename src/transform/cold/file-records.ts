/**
 * What the dependency hash needs to know about one file: its content hash and its import edges.
 *
 * - JavaScript/TypeScript sources are hashed by their canonical AST (comments, whitespace and
 *   types do not count) and their imports are listed; a source that does not parse is hashed by
 *   its bytes, with a warning, and its imports are not followed.
 * - Everything else (JSON, data, styles) is hashed by its bytes.
 *
 * Records are computed once per build and trusted until `forget(file)` (a watcher saw a change).
 * With a persistent store they also survive the process: a stored record is reused when the
 * file's size and mtime are unchanged (and the mtime is not too close to when it was read, where
 * a same-size edit could hide); otherwise the bytes are hashed, and if they are unchanged the
 * stored parse is kept; only a real change re-parses.
 */
import { readdirSync, readFileSync } from "node:fs";
import { compareCodeUnits } from "../../code-unit-order.js";
import { hashBytes, hashString } from "../../hashing/xxhash.js";
import type { AnyNode } from "./ast.js";
import type { ImportEdge, ImportKind } from "./module-imports.js";
import { buildModuleGraph, type ModuleGraph } from "./module-graph.js";
import { canonicalModule, NORMALISER_VERSION } from "./normalise.js";
import { parseModule, sourceKindOf } from "./parser.js";
import { analyseScopes } from "./scope.js";
import { graphFromStored, storedGraph } from "./stored-graph.js";
import type { StoreSection } from "../persistent-store.js";
import type { StoredFileEntry } from "../stored-data.js";
import { isListing, RACY_WINDOW_MS, stampOf, type FileStat, type Stamp, type StatCache } from "../stamps.js";

export type FileKind = "source" | "asset" | "broken" | "missing";

export interface FileRecord {
  kind: FileKind;
  /** Canonical hash for sources, byte hash otherwise, "missing" for a file that does not exist. */
  contentHash: string;
  /** Import edges of a source (empty for other kinds). */
  imports: Array<{ kind: ImportKind; specifier: string }>;
  /** Why a source is "broken" (its syntax error). */
  problem?: string;
  /** What validates the record: the file's stat, and when its bytes were last read (ms). */
  stat: FileStat | undefined;
  readAt: number;
  /** The binding graph of a source, made when it is parsed, or read from the cache file on first use. */
  graph?: ModuleGraph;
  stored?: StoredFileEntry["g"];
}

export interface FileRecordStats {
  parsed: number;
  hashed: number;
  reusedStored: number;
  reusedMemory: number;
}

const MISSING: FileRecord = { kind: "missing", contentHash: "missing", imports: [], stat: undefined, readAt: 0 };

export class FileRecords {
  private readonly memory = new Map<string, FileRecord>();

  constructor(
    /** The cache file's "files" section. */
    private readonly store: StoreSection<StoredFileEntry> | undefined,
    /** Shared with the whole-transform cache, so each file is statted once per build. */
    private readonly fileStats: StatCache,
    /** Counters for benchmarks and tests: how records were obtained. */
    readonly stats: FileRecordStats,
  ) {}

  get(file: string): FileRecord {
    const known = this.memory.get(file);
    if (known) {
      this.stats.reusedMemory++;
      return known;
    }
    const record = this.load(file);
    this.memory.set(file, record);
    return record;
  }

  /** The stamp of a file as last recorded (`key` names it in the stamp). */
  stampOf(file: string, key: string): Stamp {
    const record = this.get(file);
    return stampOf(key, record.stat, record.readAt, record.contentHash);
  }

  /**
   * The binding graph of a source file (module-graph.ts); undefined for anything else. Made with
   * the record when the file is parsed, else (a record from the cache file) by parsing it now.
   */
  graphOf(file: string): ModuleGraph | undefined {
    const record = this.get(file);
    if (record.kind !== "source") return undefined;
    if (record.graph) return record.graph;
    if (record.stored) return (record.graph = graphFromStored(record.stored));
    let code: string;
    try {
      code = readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    if (code.charCodeAt(0) === 0xfeff) code = code.slice(1);
    try {
      const program = parseModule(code, sourceKindOf(file)!).program as unknown as AnyNode;
      // The file changed since the record was made: make both again.
      if (moduleRecord(program).contentHash !== record.contentHash) {
        this.forget(file);
        return this.get(file).graph;
      }
      this.stats.parsed++;
      record.graph = buildModuleGraph(program, analyseScopes(program));
      const stored = this.store?.get(file);
      if (stored && stored.h === record.contentHash) this.store!.set(file, { ...stored, g: storedGraph(record.graph) });
      return record.graph;
    } catch {
      return undefined;
    }
  }

  forget(file: string): void {
    this.memory.delete(file);
    this.fileStats.forget(file);
  }

  forgetAll(): void {
    this.memory.clear();
    this.fileStats.forgetAll();
  }

  private load(file: string): FileRecord {
    if (isListing(file)) return this.listing(file);
    const stat = this.fileStats.get(file);
    if (!stat) {
      if (this.store?.get(file)) this.store.set(file, undefined);
      return MISSING;
    }
    const stored = this.store?.get(file);
    if (stored && stored.s === stat.size && stored.m === stat.mtimeMs && stored.c - stored.m >= RACY_WINDOW_MS) {
      this.stats.reusedStored++;
      return fromStored(stored, stat);
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return MISSING;
    }
    const byteHash = hashBytes(bytes);
    const now = Date.now();
    if (stored && stored.r === byteHash) {
      // Touched (mtime moved) but unchanged: keep the parse, refresh what validates it.
      this.stats.hashed++;
      const refreshed = { ...stored, s: stat.size, m: stat.mtimeMs, c: now };
      this.store!.set(file, refreshed);
      return fromStored(refreshed, stat);
    }
    const record = computeRecord(file, bytes, byteHash, stat, now);
    if (record.kind === "source") this.stats.parsed++;
    else this.stats.hashed++;
    this.store?.set(file, {
      s: stat.size,
      m: stat.mtimeMs,
      c: now,
      r: byteHash,
      k: record.kind,
      h: record.contentHash,
      i: record.imports.map((edge) => [edge.kind, edge.specifier]),
      ...(record.problem !== undefined ? { p: record.problem } : {}),
      ...(record.graph ? { g: storedGraph(record.graph) } : {}),
    });
    return record;
  }

  /** A folder's sorted entry names, hashed (never stored in the cache file: one readdir redoes it). */
  private listing(path: string): FileRecord {
    const stat = this.fileStats.get(path);
    if (!stat) return MISSING;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return MISSING;
    }
    names.sort(compareCodeUnits);
    this.stats.hashed++;
    return { kind: "asset", contentHash: hashString(`daft-listing\n${names.join("\n")}`), imports: [], stat, readAt: Date.now() };
  }
}

function fromStored(entry: StoredFileEntry, stat: FileStat): FileRecord {
  return {
    kind: entry.k,
    contentHash: entry.h,
    imports: entry.i.map(([kind, specifier]) => ({ kind, specifier })),
    ...(entry.p !== undefined ? { problem: entry.p } : {}),
    ...(entry.g !== undefined ? { stored: entry.g } : {}),
    stat,
    readAt: entry.c,
  };
}

function computeRecord(file: string, bytes: Buffer, byteHash: string, stat: FileStat, readAt: number): FileRecord & { kind: StoredFileEntry["k"] } {
  const sourceKind = sourceKindOf(file);
  if (!sourceKind) return { kind: "asset", contentHash: byteHash, imports: [], stat, readAt };
  let code = bytes.toString("utf8");
  if (code.charCodeAt(0) === 0xfeff) code = code.slice(1);
  try {
    const program = parseModule(code, sourceKind).program as unknown as AnyNode;
    return { ...moduleRecord(program), stat, readAt, graph: buildModuleGraph(program, analyseScopes(program)) };
  } catch (error) {
    return { kind: "broken", contentHash: byteHash, imports: [], problem: (error as Error).message, stat, readAt };
  }
}

/** The record of a parsed module: canonical hash and import edges from a single walk. */
export function moduleRecord(program: AnyNode): Pick<FileRecord, "contentHash" | "imports"> & { kind: "source" } {
  const { text, imports } = canonicalModule(program);
  return {
    kind: "source",
    contentHash: hashString(`daft-module-v${NORMALISER_VERSION}\n${text}`),
    imports: imports.map((edge: ImportEdge) => ({ kind: edge.kind, specifier: edge.specifier })),
  };
}
