/**
 * What the transform keeps in its cache files, and the checks every field passes when it is read.
 *
 * The files hold data only: hashes, names, offsets, numbers, paths. Never text that goes into
 * code: the build info spliced into a module is always made from this data by inject.ts, the
 * same way as on a cold transform. Whatever is read from the files is untrusted (another
 * process, a restored CI cache, another user may have written them), so each entry is checked
 * field by field; one that fails is ignored (a `DEBUG=daft:transform` line says why) and
 * computed again. An entry that would fail the checks is never written (see persistent-store.ts),
 * so a file name the checks refuse only costs recomputing that module.
 *
 * The checks make the data inert wherever the text it becomes lands: hashes are 16 hex digits,
 * input names are identifiers, paths and versions hold no quotes, backslashes, braces or control
 * characters, so a string from the cache can neither end the JSON string it is written into nor
 * open a template substitution, wherever an offset points.
 */
import type { BuildInfo } from "../build-info.js";
import { BUILD_INFO_VERSION } from "../build-info.js";
import type { FileKind } from "./cold/file-records.js";
import type { ImportKind } from "./cold/module-imports.js";
import type { CallPosition } from "./inject.js";
import type { Stamp } from "./stamps.js";

/** Build info lists at most this many closure files; larger closures omit `depsFiles`. */
export const MAX_DEPS_FILES = 200;

/** One `func` call of a module: where its build info goes, and the build info (less what is known from the module itself). */
export interface StoredCall extends CallPosition {
  /** Offset of the call expression: with `close`, the range a stack frame of the call falls in. */
  start: number;
  /** The call's `output` when written as a literal: how a call is recognised where positions shift. */
  output?: string;
  codeHash: string;
  depsHashes: string[];
  /** See BuildInfo.depsLimited. */
  depthLimited?: true;
  inputs?: string[];
  defaults?: string[];
  depsFiles?: NonNullable<BuildInfo["depsFiles"]>;
}

/** What the cache keeps of one transformed module: enough to rebuild the output without parsing. */
export interface TransformEntry {
  /** Hash of the code the entry was made from. */
  source: string;
  /** See `settingsKey` (warm-transforms.ts): `<max dependency depth>|<project root key>`. */
  settings: string;
  /** The module's `func` calls, in source order. */
  calls: StoredCall[];
  warnings: string[];
  /**
   * Every file the output was computed from (the closure's files, package manifests, tsconfigs),
   * sorted by key; these are also the files a bundler is asked to watch.
   */
  stamps: Stamp[];
}

/** The stored form of a file record (cold/file-records.ts): the record plus what validates it. Short keys keep the cache file small. */
export interface StoredFileEntry {
  /** size in bytes */
  s: number;
  /** mtime in ms */
  m: number;
  /** when the file was read (ms since epoch) */
  c: number;
  /** byte hash */
  r: string;
  /** the record: kind, content hash, import edges, and why a source does not parse */
  k: Exclude<FileKind, "missing">;
  h: string;
  i: Array<[ImportKind, string]>;
  p?: string;
  /** A source's binding graph (cold/stored-graph.ts). */
  g?: StoredGraph;
}

/** `import()`/`require()` inside code: `[0, specifier, viaRequire]`, `[1, template pattern, line]`, `[2, line]` (computed). */
export type StoredLoad = [0, string, 0 | 1] | [1, string, number] | [2, number];

/** A module's binding graph (cold/module-graph.ts), with short keys. */
export interface StoredGraph {
  /** locals: `[name, hash, reads, loads]` */
  l: Array<[string, string, string[], StoredLoad[]]>;
  /** imports: `[local, source, imported name, viaRequire]` */
  i: Array<[string, string, string, 0 | 1]>;
  /** exports: `[exported, local]` or `[exported, source, name]` */
  e: Array<[string, string] | [string, string, string]>;
  /** `export * from` specifiers */
  s: string[];
  /** statements: `[id, hash, reads, loads, shallow reads, shallow loads, writes]` */
  t: Array<[string, string, string[], StoredLoad[], string[], StoredLoad[], string[]]>;
  /** side-effect imports: `[specifier, viaRequire]` */
  x: Array<[string, 0 | 1]>;
  /** 1: CommonJS or `export =` */
  o: 0 | 1;
}

/** Where the func calls of code another tool compiled are (cold/foreign-code.ts). */
export interface CompiledCallsEntry {
  /** hash of the compiled code the positions belong to */
  code: string;
  calls: CallPosition[];
}

/** The build info of a stored call in the module whose project-relative path is `file`. */
export function buildInfoOf(call: StoredCall, file: string): BuildInfo {
  return {
    v: BUILD_INFO_VERSION,
    codeHash: call.codeHash,
    depsHashes: call.depsHashes,
    ...(call.depthLimited ? { depsLimited: true as const } : {}),
    ...(call.inputs !== undefined ? { inputs: call.inputs, defaults: call.defaults ?? [] } : {}),
    file,
    ...(call.depsFiles !== undefined ? { depsFiles: call.depsFiles } : {}),
  };
}

// ---- the checks: each returns what is wrong, or undefined ----

type Problem = string | undefined;

const HASH = /^[0-9a-f]{16}$/;
/** An ECMAScript IdentifierName: what an input name must be to be kept on disk. */
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;
/** A path, key or specifier: no control characters, line separators, quotes, backslashes or braces. */
const PATH = /^[^\p{Cc}\u2028\u2029"'`\\{}]{1,4096}$/u;
/** A version or a depsFiles marker ("builtin", "unresolved", "missing"). */
const TOKEN = /^[0-9A-Za-z.+_-]{1,256}$/;
/** A warning or a syntax error: one line of printable text. */
const MESSAGE = /^[^\p{Cc}\u2028\u2029]{1,16384}$/u;
const PARSER_VERSION = /^babel-[0-9A-Za-z.+_-]{1,64}$/;
const SETTINGS = /^([1-9][0-9]{0,5}|all)\|(.*)$/s;
const WARNING_PREFIX = "daft transform: ";
const STORED_KINDS: ReadonlySet<string> = new Set(["source", "asset", "broken"] satisfies StoredFileEntry["k"][]);
const IMPORT_KINDS: ReadonlySet<string> = new Set(["static", "side-effect", "reexport", "dynamic", "require", "asset"] satisfies ImportKind[]);
/** Far more than any module has; bounds the work a hostile entry can ask for. */
const MAX_CALLS = 10_000;
/** Import levels of a closure without a depth limit: far more than any real import chain. */
const MAX_LEVELS = 100_000;
const MAX_STAMPS = 100_000;
const MAX_IMPORTS = 100_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isHash = (value: unknown): value is string => typeof value === "string" && HASH.test(value);
const isPath = (value: unknown): value is string => typeof value === "string" && PATH.test(value);
const isOffset = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;

function listProblem(value: unknown, name: string, max: number, itemProblem: (item: unknown, index: number) => Problem): Problem {
  if (!Array.isArray(value)) return `${name} is not a list`;
  if (value.length > max) return `${name} has more than ${max} items`;
  for (let index = 0; index < value.length; index++) {
    const problem = itemProblem(value[index], index);
    if (problem !== undefined) return `${name}[${index}]: ${problem}`;
  }
  return undefined;
}

const isContentHash = (value: unknown): boolean => isHash(value) || value === "missing";

/** A stamp: `[key, size (-1: missing), mtime (-1: untrusted), content hash or "missing"]`. */
function stampProblem(value: unknown, hashOk: (hash: unknown) => boolean = isContentHash): Problem {
  if (!Array.isArray(value) || value.length !== 4) return "not a [key, size, mtime, hash] stamp";
  const [key, size, mtime, hash] = value as unknown[];
  if (!isPath(key)) return "its key is not a path";
  if (!Number.isSafeInteger(size) || (size as number) < -1) return "its size is not a whole number ≥ -1";
  if (typeof mtime !== "number" || !Number.isFinite(mtime) || mtime < -1) return "its mtime is not a number ≥ -1";
  if (!hashOk(hash)) return "its hash is not a hash";
  return undefined;
}

/** The cache file's header: `{ format, version, parser? }`, of the `format` and `version` expected. */
export function headerProblem(value: unknown, format: string, version: string): Problem {
  if (!isRecord(value)) return "the header is not an object";
  if (value.format !== format) return `it is not a ${format} file`;
  if (value.version !== version) return `it was written by another version (${JSON.stringify(value.version)}, this one reads ${version})`;
  if (value.parser === undefined) return undefined;
  const parser = value.parser;
  if (!isRecord(parser) || typeof parser.version !== "string" || !PARSER_VERSION.test(parser.version)) return "its parser version is not valid";
  const problem = stampProblem(parser.stamp, (hash) => hash === parser.version);
  return problem === undefined ? undefined : `the stamp of its parser: ${problem}`;
}

export function transformEntryProblem(value: unknown): Problem {
  if (!isRecord(value)) return "not an object";
  if (!isHash(value.source)) return "source is not a hash";
  const settings = typeof value.settings === "string" ? SETTINGS.exec(value.settings) : null;
  if (!settings || !isPath(settings[2])) return "settings are not <depth>|<root key>";
  const depth = settings[1] === "all" ? Infinity : Number(settings[1]);
  return (
    listProblem(value.calls, "calls", MAX_CALLS, (call) => callProblem(call, depth)) ??
    listProblem(value.warnings, "warnings", MAX_CALLS, (warning) =>
      typeof warning === "string" && warning.startsWith(WARNING_PREFIX) && MESSAGE.test(warning) ? undefined : "not a daft transform warning",
    ) ??
    listProblem(value.stamps, "stamps", MAX_STAMPS, (stamp) => stampProblem(stamp))
  );
}

function callProblem(value: unknown, depth: number): Problem {
  if (!isRecord(value)) return "not an object";
  const positionProblem = callPositionProblem(value);
  if (positionProblem !== undefined) return positionProblem;
  if (!isOffset(value.start) || value.start > (value.argsEnd as number)) return "start is not an offset at or before argsEnd";
  // Never written into code (only compared with a node's output), yet kept to one line of text.
  if (value.output !== undefined && (typeof value.output !== "string" || !MESSAGE.test(value.output))) return "output is not one line of text";
  if (!isHash(value.codeHash)) return "codeHash is not a hash";
  const levels = Array.isArray(value.depsHashes) ? value.depsHashes.length : 0;
  if (!Array.isArray(value.depsHashes) || levels < 1 || levels > Math.min(depth, MAX_LEVELS) || !value.depsHashes.every(isHash)) {
    return `depsHashes is not a list of 1 to ${depth} hashes`;
  }
  if (value.depthLimited !== undefined && (value.depthLimited !== true || levels !== depth)) {
    return "depthLimited is not true on a call whose hashes reach the depth limit";
  }
  const { inputs, defaults } = value;
  if ((inputs === undefined) !== (defaults === undefined)) return "inputs and defaults come together";
  if (inputs !== undefined) {
    const names = new Set<string>();
    const problem =
      listProblem(inputs, "inputs", MAX_CALLS, (name) => {
        if (typeof name !== "string" || !IDENTIFIER.test(name)) return "not an identifier";
        if (names.has(name)) return "a repeated name";
        names.add(name);
        return undefined;
      }) ?? listProblem(defaults, "defaults", MAX_CALLS, (name) => (typeof name === "string" && names.has(name) ? undefined : "not one of the inputs"));
    if (problem !== undefined) return problem;
  }
  if (value.depsFiles === undefined) return undefined;
  return listProblem(value.depsFiles, "depsFiles", MAX_DEPS_FILES, (row) => {
    if (!Array.isArray(row) || row.length !== 3) return "not a [path, level, hash] row";
    const [path, level, hash] = row as unknown[];
    if (!isPath(path)) return "its path is not a path";
    if (!Number.isSafeInteger(level) || (level as number) < 1 || (level as number) > levels) return `its level is not a whole number from 1 to ${levels}`;
    return typeof hash === "string" && TOKEN.test(hash) ? undefined : "its hash is not a hash, a version or a marker";
  });
}

/** Offsets of a call: the end of its last argument, at or before its closing parenthesis. */
function callPositionProblem(value: Record<string, unknown>): Problem {
  if (!isOffset(value.argsEnd) || !isOffset(value.close) || value.argsEnd > value.close) return "argsEnd and close are not offsets with argsEnd ≤ close";
  return undefined;
}

export function fileEntryProblem(value: unknown): Problem {
  if (!isRecord(value)) return "not an object";
  if (!isOffset(value.s) || !isTime(value.m) || !isTime(value.c)) return "its size, mtime or read time is not a number ≥ 0";
  if (!isHash(value.r) || !isHash(value.h)) return "its hashes are not hashes";
  if (typeof value.k !== "string" || !STORED_KINDS.has(value.k)) return "its kind is not source, asset or broken";
  if (value.p !== undefined && (typeof value.p !== "string" || !MESSAGE.test(value.p))) return "its problem is not one line of text";
  if (value.g !== undefined) {
    if (value.k !== "source") return "a binding graph on a file that is not a source";
    const problem = graphProblem(value.g);
    if (problem !== undefined) return `its binding graph: ${problem}`;
  }
  return listProblem(value.i, "imports", MAX_IMPORTS, (edge) => {
    if (!Array.isArray(edge) || edge.length !== 2) return "not a [kind, specifier] edge";
    const [kind, specifier] = edge as unknown[];
    if (typeof kind !== "string" || !IMPORT_KINDS.has(kind)) return "its kind is not an import kind";
    return isPath(specifier) ? undefined : "its specifier is not a path";
  });
}

const STATEMENT_ID = /^[0-9a-f]{16}(\.[0-9]{1,6})?$/;
const isFlag = (value: unknown): boolean => value === 0 || value === 1;
const namesProblem = (value: unknown, name: string): Problem => listProblem(value, name, MAX_IMPORTS, (item) => (isPath(item) ? undefined : "not a name"));

function loadsProblem(value: unknown, name: string): Problem {
  return listProblem(value, name, MAX_IMPORTS, (load) => {
    if (!Array.isArray(load)) return "not a load";
    const [kind, first, second] = load as unknown[];
    if (kind === 0 && load.length === 3) return isPath(first) && isFlag(second) ? undefined : "not [0, specifier, 0|1]";
    if (kind === 1 && load.length === 3) return isPath(first) && isOffset(second) ? undefined : "not [1, pattern, line]";
    if (kind === 2 && load.length === 2) return isOffset(first) ? undefined : "not [2, line]";
    return "not a load";
  });
}

/** Every field of a stored binding graph: names, hashes, specifiers, flags, lines. */
export function graphProblem(value: unknown): Problem {
  if (!isRecord(value)) return "not an object";
  if (!isFlag(value.o)) return "o is not 0 or 1";
  return (
    listProblem(value.l, "locals", MAX_IMPORTS, (row) => {
      if (!Array.isArray(row) || row.length !== 4) return "not a [name, hash, reads, loads] row";
      if (!isPath(row[0]) || !isHash(row[1])) return "its name or hash is not valid";
      return namesProblem(row[2], "reads") ?? loadsProblem(row[3], "loads");
    }) ??
    listProblem(value.i, "imports", MAX_IMPORTS, (row) =>
      Array.isArray(row) && row.length === 4 && isPath(row[0]) && isPath(row[1]) && isPath(row[2]) && isFlag(row[3]) ? undefined : "not a [local, source, name, 0|1] row",
    ) ??
    listProblem(value.e, "exports", MAX_IMPORTS, (row) =>
      Array.isArray(row) && (row.length === 2 || row.length === 3) && row.every(isPath) ? undefined : "not an [exported, local] or [exported, source, name] row",
    ) ??
    namesProblem(value.s, "stars") ??
    listProblem(value.t, "statements", MAX_IMPORTS, (row) => {
      if (!Array.isArray(row) || row.length !== 7) return "not a statement row";
      if (typeof row[0] !== "string" || !STATEMENT_ID.test(row[0]) || !isHash(row[1])) return "its id or hash is not valid";
      return namesProblem(row[2], "reads") ?? loadsProblem(row[3], "loads") ?? namesProblem(row[4], "shallow reads") ?? loadsProblem(row[5], "shallow loads") ?? namesProblem(row[6], "writes");
    }) ??
    listProblem(value.x, "side effects", MAX_IMPORTS, (row) => (Array.isArray(row) && row.length === 2 && isPath(row[0]) && isFlag(row[1]) ? undefined : "not a [specifier, 0|1] row"))
  );
}

export function compiledCallsProblem(value: unknown): Problem {
  if (!isRecord(value)) return "not an object";
  if (!isHash(value.code)) return "code is not a hash";
  return listProblem(value.calls, "calls", MAX_CALLS, (call) => (isRecord(call) ? callPositionProblem(call) : "not an object"));
}
