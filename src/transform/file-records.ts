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
import { readFileSync, statSync } from "node:fs";
import { hashBytes, hashString } from "../hashing/xxhash.js";
import type { AnyNode } from "./ast.js";
import type { ImportEdge, ImportKind } from "./module-imports.js";
import { canonicalModule, NORMALISER_VERSION } from "./normalise.js";
import { parseModule, sourceKindOf } from "./parser.js";
import type { PersistentStore } from "./persistent-store.js";

export type FileKind = "source" | "asset" | "broken" | "missing";

export interface FileRecord {
  kind: FileKind;
  /** Canonical hash for sources, byte hash otherwise, "missing" for a file that does not exist. */
  contentHash: string;
  /** Import edges of a source (empty for other kinds). */
  imports: Array<{ kind: ImportKind; specifier: string }>;
  /** Why a source is "broken" (its syntax error). */
  problem?: string;
}

/** The stored form: the record plus what validates it. Short keys keep the cache file small. */
export interface StoredFileEntry {
  /** size in bytes */
  s: number;
  /** mtime in ms */
  m: number;
  /** when the file was read (ms since epoch) */
  c: number;
  /** byte hash */
  r: string;
  /** the record */
  k: FileKind;
  h: string;
  i: Array<[ImportKind, string]>;
  p?: string;
}

/** An edit this close (ms) to the moment a file was read may not have moved its mtime. */
const RACY_WINDOW_MS = 2000;

const MISSING: FileRecord = { kind: "missing", contentHash: "missing", imports: [] };

export class FileRecords {
  private readonly memory = new Map<string, FileRecord>();
  /** Counters for benchmarks and tests: how records were obtained. */
  readonly stats = { parsed: 0, hashed: 0, reusedStored: 0, reusedMemory: 0 };

  constructor(private readonly store: PersistentStore<StoredFileEntry, unknown> | undefined) {}

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

  forget(file: string): void {
    this.memory.delete(file);
  }

  forgetAll(): void {
    this.memory.clear();
  }

  private load(file: string): FileRecord {
    let stats;
    try {
      stats = statSync(file, { throwIfNoEntry: false });
    } catch {
      stats = undefined;
    }
    if (!stats || !stats.isFile()) {
      if (this.store?.getFile(file)) this.store.setFile(file, undefined);
      return MISSING;
    }
    const stored = this.store?.getFile(file);
    if (stored && stored.s === stats.size && stored.m === stats.mtimeMs && stored.c - stored.m >= RACY_WINDOW_MS) {
      this.stats.reusedStored++;
      return fromStored(stored);
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
      this.store!.setFile(file, { ...stored, s: stats.size, m: stats.mtimeMs, c: now });
      return fromStored(stored);
    }
    const record = computeRecord(file, bytes, byteHash);
    if (record.kind === "source") this.stats.parsed++;
    else this.stats.hashed++;
    this.store?.setFile(file, {
      s: stats.size,
      m: stats.mtimeMs,
      c: now,
      r: byteHash,
      k: record.kind,
      h: record.contentHash,
      i: record.imports.map((edge) => [edge.kind, edge.specifier]),
      ...(record.problem !== undefined ? { p: record.problem } : {}),
    });
    return record;
  }
}

function fromStored(entry: StoredFileEntry): FileRecord {
  return {
    kind: entry.k,
    contentHash: entry.h,
    imports: entry.i.map(([kind, specifier]) => ({ kind, specifier })),
    ...(entry.p !== undefined ? { problem: entry.p } : {}),
  };
}

function computeRecord(file: string, bytes: Buffer, byteHash: string): FileRecord {
  const sourceKind = sourceKindOf(file);
  if (!sourceKind) return { kind: "asset", contentHash: byteHash, imports: [] };
  let code = bytes.toString("utf8");
  if (code.charCodeAt(0) === 0xfeff) code = code.slice(1);
  try {
    const program = parseModule(code, sourceKind).program as unknown as AnyNode;
    return moduleRecord(program);
  } catch (error) {
    return { kind: "broken", contentHash: byteHash, imports: [], problem: (error as Error).message };
  }
}

/** The record of a parsed module: canonical hash and import edges from a single walk. */
export function moduleRecord(program: AnyNode): FileRecord {
  const { text, imports } = canonicalModule(program);
  return {
    kind: "source",
    contentHash: hashString(`daft-module-v${NORMALISER_VERSION}\n${text}`),
    imports: imports.map((edge: ImportEdge) => ({ kind: edge.kind, specifier: edge.specifier })),
  };
}
