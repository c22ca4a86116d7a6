/**
 * The transformer: one per build (or per process, for the Node loader). It holds every cache —
 * file records, resolutions, project roots, whole-transform results — and turns a module's code
 * into the same code with build info injected into each `func(options, fn)` call.
 *
 * Synchronous by design: the Node loader calls it from `module.registerHooks`.
 */
import { basename, dirname, resolve } from "node:path";
import type { SourceMap } from "magic-string";
import { BUILD_INFO_VERSION, type BuildInfo } from "../build-info.js";
import { compareCodeUnits } from "../code-unit-order.js";
import { hashString } from "../hashing/xxhash.js";
import { staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { codeClosure, type CanonicalMemo } from "./code-closure.js";
import { dependencyHashes, type DependencyResult, type DependencyTarget } from "./dependency-hashes.js";
import { FileRecords, type StoredFileEntry } from "./file-records.js";
import { FsCache } from "./fs-cache.js";
import { findFuncCalls, type FuncCall } from "./func-calls.js";
import { applyInsertions, buildInfoOfInsertion, insertionFor, type Insertion } from "./inject.js";
import { literalOptionInputs, readInputNames, resolveFunctionNode } from "./inputs.js";
import { isRequireEdge, type ImportEdge } from "./module-imports.js";
import { parseModule, parserIdentity, SourceSyntaxError, sourceKindOf } from "./parser.js";
import { relativePath } from "./paths.js";
import { PersistentStore } from "./persistent-store.js";
import { ProjectRoots } from "../project-root.js";
import { mightContainFunc, shouldTransform, transformablePath } from "./quick-check.js";
import { Resolver, type Resolved } from "./resolver.js";
import { analyseScopes } from "./scope.js";
import { StatCache, type Stamp } from "./stamps.js";
import { TsconfigPaths } from "./tsconfig-paths.js";
import { TRANSFORM_CACHE_VERSION } from "./versions.js";
import { ABSOLUTE_KEYS, DEFAULT_MAX_DEPENDENCY_DEPTH, settingsKey, WarmTransforms, watchFilesOf, type TransformEntry } from "./warm-transforms.js";

export interface TransformerOptions {
  /**
   * Project root: paths in hashes and build info are relative to it. Default: found from each
   * file (the nearest workspace root above it, else the nearest directory with a package.json).
   */
  root?: string;
  /** How many import levels get a dependency hash (default 8). */
  maxDependencyDepth?: number;
  /** A JSON file that keeps file records and transform results across processes (default: none). */
  persistentCacheFile?: string | false;
  /** Called with each warning (they are also returned in each result). */
  onWarning?: (message: string) => void;
}

export interface TransformResult {
  code: string;
  /** High-resolution source map (magic-string), generated on first access. */
  readonly map: SourceMap;
  /** The build info injected into each call, in source order. */
  readonly buildInfos: BuildInfo[];
  /** Absolute paths of every file in the calls' closures (imports, assets, manifests, tsconfigs). */
  readonly watchFiles: string[];
  warnings: string[];
}

export interface TransformerStats {
  /** transform() calls that got as far as the cheap check passing. */
  transforms: number;
  /** …of which answered from the warm cache, without parsing. */
  warmHits: number;
  /** How file records were obtained (parsed, byte-hashed, reused from the store or memory). */
  files: FileRecords["stats"];
}

export interface Transformer {
  /** The transformed module, or undefined when there is nothing to do (or it does not parse). */
  transform(code: string, id: string): TransformResult | undefined;
  /** A watcher saw `file` change, appear or disappear. */
  invalidate(file: string): void;
  /** Forget everything learnt from the file system (but keep the persistent cache file). */
  invalidateAll(): void;
  /** Writes the persistent cache (no-op without `persistentCacheFile`). */
  save(): void;
  mightContainFunc(code: string): boolean;
  shouldTransform(id: string, code?: string): boolean;
  readonly stats: TransformerStats;
}

export { DEFAULT_MAX_DEPENDENCY_DEPTH };
/** Build info lists at most this many closure files; larger closures omit `depsFiles`. */
export const MAX_DEPS_FILES = 200;
/** Packages that are the runtime itself: always counted by version, never descended. */
const RUNTIME_PACKAGES = ["daft"];

export function createTransformer(options: TransformerOptions = {}): Transformer {
  return new DaftTransformer(options);
}

/** A freshly computed entry, with its closure's file paths (absolute) still to be stamped. */
interface ComputedEntry {
  insertions: Insertion[];
  buildInfos: BuildInfo[];
  warnings: string[];
  files: Set<string>;
}

class DaftTransformer implements Transformer {
  private readonly fs = new FsCache();
  private readonly fileStats = new StatCache();
  private readonly roots = new ProjectRoots(this.fs);
  private readonly tsconfig: TsconfigPaths;
  private readonly resolver: Resolver;
  private readonly records: FileRecords;
  private readonly store: PersistentStore<StoredFileEntry, TransformEntry> | undefined;
  private readonly warm: WarmTransforms;
  private readonly maxDepth: number;
  private readonly fixedRoot: string | undefined;
  private readonly reportWarning: (message: string) => void;
  readonly stats: TransformerStats;

  constructor(options: TransformerOptions) {
    const depth = options.maxDependencyDepth ?? DEFAULT_MAX_DEPENDENCY_DEPTH;
    if (!Number.isInteger(depth) || depth < 1) {
      throw new RangeError(`daft transform: maxDependencyDepth must be a whole number ≥ 1, got ${String(options.maxDependencyDepth)}`);
    }
    this.maxDepth = depth;
    this.fixedRoot = options.root === undefined ? undefined : resolve(options.root);
    this.reportWarning = options.onWarning ?? (() => {});
    const internalWarning = (message: string): void => this.reportWarning(`daft transform: ${message}`);
    this.tsconfig = new TsconfigPaths(internalWarning);
    this.resolver = new Resolver(this.fs, this.tsconfig, RUNTIME_PACKAGES);
    const store = options.persistentCacheFile
      ? new PersistentStore<StoredFileEntry, TransformEntry>(resolve(options.persistentCacheFile), {
          version: TRANSFORM_CACHE_VERSION,
          parser: parserIdentity,
          onWarning: internalWarning,
        })
      : undefined;
    this.store = store;
    this.records = new FileRecords(store as PersistentStore<StoredFileEntry, unknown> | undefined, this.fileStats);
    this.warm = new WarmTransforms((file) => store?.getTransform(file), this.fileStats, store ?? ABSOLUTE_KEYS);
    this.stats = { transforms: 0, warmHits: 0, files: this.records.stats };
  }

  mightContainFunc(code: string): boolean {
    return mightContainFunc(code);
  }

  shouldTransform(id: string, code?: string): boolean {
    return shouldTransform(id, code);
  }

  transform(code: string, id: string): TransformResult | undefined {
    const file = transformablePath(id);
    if (file === undefined || !mightContainFunc(code)) return undefined;
    this.stats.transforms++;
    const absolute = resolve(file);
    const root = this.fixedRoot ?? this.roots.rootOf(absolute);
    const source = hashString(code);
    const settings = settingsKey(this.maxDepth, this.warm.keys.key(root));

    const match = this.warm.find(absolute, source, settings);
    const warm = match && (match.holds ? match.entry : this.confirmed(absolute, match.entry));
    if (warm) {
      this.stats.warmHits++;
      this.warm.remember(absolute, warm);
      for (const warning of warm.warnings) this.reportWarning(warning);
      return warm.insertions.length === 0 ? undefined : this.result(code, absolute, warm);
    }

    const computed = new ModuleTransform(code, absolute, root, this).run();
    if (!computed) return undefined;
    const { entry: fresh, complete } = computed;
    for (const warning of fresh.warnings) this.reportWarning(warning);
    const entry: TransformEntry = {
      source,
      settings,
      insertions: fresh.insertions,
      warnings: fresh.warnings,
      stamps: this.stampsOf(fresh.files),
    };
    if (complete) this.remember(absolute, entry);
    return entry.insertions.length === 0 ? undefined : this.result(code, absolute, entry, fresh.buildInfos);
  }

  invalidate(file: string): void {
    const path = resolve(transformablePath(file) ?? file);
    this.records.forget(path);
    this.fs.forget(path);
    this.fs.forget(dirname(path));
    this.resolver.forgetAll();
    this.warm.forgetAll();
    const name = basename(path);
    if (name === "package.json" || name === "pnpm-workspace.yaml") this.roots.forgetAll();
    if (name === "package.json" || /^tsconfig.*\.json$/.test(name) || /^jsconfig.*\.json$/.test(name)) this.tsconfig.forgetAll();
  }

  invalidateAll(): void {
    this.records.forgetAll();
    this.fs.forgetAll();
    this.resolver.forgetAll();
    this.roots.forgetAll();
    this.tsconfig.forgetAll();
    this.warm.forgetAll();
  }

  save(): void {
    this.store?.save();
  }

  // ---- used by ModuleTransform ----

  resolve(specifier: string, importer: string, viaRequire: boolean): Resolved {
    return this.resolver.resolve(specifier, importer, viaRequire ? "require" : "import");
  }

  dependencies(file: string, targets: DependencyTarget[], root: string, warn: (message: string) => void): DependencyResult {
    return dependencyHashes(targets, {
      records: this.records,
      resolver: this.resolver,
      file,
      root,
      maxDepth: this.maxDepth,
      warn,
    });
  }

  // ---- warm cache ----

  /**
   * An entry whose files do not all hold by stat is still good if their contents are unchanged
   * (touched, checked out again, copied without timestamps): confirmed by content hash, it is
   * kept with fresh stamps so the next process answers it by stat again.
   */
  private confirmed(file: string, entry: TransformEntry): TransformEntry | undefined {
    const keys = this.warm.keys;
    for (const [key, , , hash] of entry.stamps) {
      if (this.records.get(keys.absolute(key)).contentHash !== hash) return undefined;
    }
    const stamps = entry.stamps.map(([key]) => this.records.stampOf(keys.absolute(key), key));
    const refreshed = { ...entry, stamps };
    if (JSON.stringify(stamps) !== JSON.stringify(entry.stamps)) this.store?.setTransform(file, refreshed);
    return refreshed;
  }

  private stampsOf(files: Set<string>): Stamp[] {
    const keys = this.warm.keys;
    return [...files].map((path) => this.records.stampOf(path, keys.key(path))).sort((a, b) => compareCodeUnits(a[0], b[0]));
  }

  private remember(file: string, entry: TransformEntry): void {
    this.warm.remember(file, entry);
    this.store?.setTransform(file, entry);
  }

  private result(code: string, file: string, entry: TransformEntry, known?: BuildInfo[]): TransformResult {
    const injected = applyInsertions(code, entry.insertions, file);
    const keys = this.warm.keys;
    let buildInfos = known;
    let watchFiles: string[] | undefined;
    return {
      code: injected.code,
      get map() {
        return injected.map;
      },
      get buildInfos() {
        return (buildInfos ??= entry.insertions.map(([, text]) => buildInfoOfInsertion(text)));
      },
      get watchFiles() {
        return (watchFiles ??= watchFilesOf(entry, keys));
      },
      warnings: entry.warnings,
    };
  }
}

/** The work of transforming one module (cold path). */
class ModuleTransform {
  private readonly warnings = new Set<string>();
  private readonly rel: string;

  constructor(
    private readonly code: string,
    private readonly file: string,
    private readonly root: string,
    private readonly transformer: DaftTransformer,
  ) {
    this.rel = relativePath(root, file);
  }

  run(): { entry: ComputedEntry; complete: boolean } | undefined {
    let program: AnyNode;
    try {
      program = parseModule(this.code, sourceKindOf(this.file)!).program as unknown as AnyNode;
    } catch (error) {
      if (!(error instanceof SourceSyntaxError)) throw error;
      const where = error.line !== undefined ? `${this.rel}:${error.line}:${(error.column ?? 0) + 1}` : this.rel;
      const message = `daft transform: ${where}: syntax error, file not transformed: ${error.message}`;
      return {
        entry: { insertions: [], buildInfos: [], warnings: [message], files: new Set() },
        complete: false,
      };
    }
    const analysis = analyseScopes(program);
    const { calls, skipped } = findFuncCalls(analysis);
    for (const { node, reason } of skipped) this.warn(node, `${describeCall(node)} is not transformed: ${reason}`);
    if (calls.length === 0) {
      return { entry: this.entry([], [], new Set()), complete: true };
    }

    const fileEdges = analysis.imports;
    const fileLevelEdges = sideEffectEdges(program, fileEdges);
    const memo: CanonicalMemo = new Map();
    const depsByLevel1 = new Map<string, DependencyResult>();
    const insertions: Insertion[] = [];
    const buildInfos: BuildInfo[] = [];
    const files = new Set<string>();
    let complete = true;

    for (const call of calls) {
      const closure = codeClosure(call.fn, analysis, fileEdges, memo);
      const targets: DependencyTarget[] = [
        ...closure.imports.map((item) => this.target(item.source, item.viaRequire)),
        ...closure.inlineEdges.map((edge) => this.target(edge.specifier, isRequireEdge(edge))),
        ...fileLevelEdges.map((edge) => this.target(edge.specifier, isRequireEdge(edge))),
      ];
      const key = targets.map((target) => resolvedKey(target.resolved)).sort().join("\n");
      let deps = depsByLevel1.get(key);
      if (!deps) {
        deps = this.transformer.dependencies(this.file, targets, this.root, (message) => this.warnings.add(`daft transform: ${message}`));
        depsByLevel1.set(key, deps);
      }
      complete &&= deps.complete;
      for (const path of deps.stamps.keys()) files.add(path);

      const names = this.inputNames(call);
      // Same key order as the injected literal, so both read alike.
      const info: BuildInfo = {
        v: BUILD_INFO_VERSION,
        codeHash: closure.codeHash,
        depsHashes: deps.depsHashes,
        ...(names ? { inputs: names.inputs, defaults: names.defaults } : {}),
        file: this.rel,
        ...(deps.depsFiles.length <= MAX_DEPS_FILES ? { depsFiles: deps.depsFiles } : {}),
      };
      buildInfos.push(info);
      insertions.push(insertionFor(this.code, call.node, info));
    }
    return { entry: this.entry(insertions, buildInfos, files), complete };
  }

  private entry(insertions: Insertion[], buildInfos: BuildInfo[], files: Set<string>): ComputedEntry {
    return { insertions, buildInfos, warnings: [...this.warnings], files };
  }

  private target(specifier: string, viaRequire: boolean): DependencyTarget {
    return { resolved: this.transformer.resolve(specifier, this.file, viaRequire), importer: this.file };
  }

  private inputNames(call: FuncCall): { inputs: string[]; defaults: string[] } | undefined {
    const read = readInputNames(resolveFunctionNode(call.fn, call.scope));
    if (read.ok) return read.names;
    const explicit = literalOptionInputs(call.options);
    if (explicit) return { inputs: explicit, defaults: [] };
    this.warn(
      call.node,
      `${describeCall(call.node)}: ${read.problem}. Its input names are not injected; name them with ` +
        `func({ …, inputs: ["a", "b"] }, fn), or write the function as ({ a, b }) => …`,
    );
    return undefined;
  }

  private warn(node: AnyNode, message: string): void {
    const loc = node.loc as { start?: { line: number; column: number } } | undefined;
    const where = loc?.start ? `${this.rel}:${loc.start.line}:${loc.start.column + 1}` : this.rel;
    this.warnings.add(`daft transform: ${where}: ${message}`);
  }
}

/** `func({ output: "x" }, …)` → `func call with output "x"`, to name the node in messages. */
function describeCall(call: AnyNode): string {
  const options = (call.arguments as AnyNode[])[0];
  const object = options ? unwrapTypeWrappers(options) : undefined;
  if (object?.type === "ObjectExpression") {
    for (const property of object.properties as AnyNode[]) {
      const key = property.key as AnyNode | undefined;
      if (property.type === "ObjectProperty" && key && (key.name === "output" || staticString(key) === "output")) {
        const output = staticString(property.value as AnyNode);
        if (output !== undefined) return `func call with output "${output}"`;
      }
    }
  }
  return "func call";
}

/**
 * Module-level edges every node of the file depends on: `import "./setup"` and a top-level
 * `require("./setup")` statement run code whose effects any function may rely on.
 */
function sideEffectEdges(program: AnyNode, edges: ImportEdge[]): ImportEdge[] {
  const result = edges.filter((edge) => edge.kind === "side-effect");
  for (const statement of program.body as AnyNode[]) {
    if (statement.type !== "ExpressionStatement") continue;
    const expression = statement.expression as AnyNode;
    const edge = edges.find((candidate) => candidate.kind === "require" && candidate.start === expression.start);
    if (edge) result.push(edge);
  }
  return result;
}

function resolvedKey(resolved: Resolved): string {
  switch (resolved.type) {
    case "file":
      return `f:${resolved.path}`;
    case "package":
      return `p:${resolved.name}@${resolved.version}`;
    case "builtin":
      return `b:${resolved.name}`;
    case "unresolved":
      return `u:${resolved.specifier}`;
  }
}
