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
import { hashString } from "../hashing/xxhash.js";
import { staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { codeClosure, CODE_HASH_VERSION, type CanonicalMemo } from "./code-closure.js";
import { dependencyHashes, type DependencyResult, type DependencyTarget } from "./dependency-hashes.js";
import { FileRecords, type StoredFileEntry } from "./file-records.js";
import { FsCache } from "./fs-cache.js";
import { findFuncCalls, type FuncCall } from "./func-calls.js";
import { applyInsertions, insertionFor, type Insertion } from "./inject.js";
import { literalOptionInputs, readInputNames, resolveFunctionNode } from "./inputs.js";
import { isRequireEdge, type ImportEdge } from "./module-imports.js";
import { NORMALISER_VERSION } from "./normalise.js";
import { parseModule, parserVersion, SourceSyntaxError, sourceKindOf } from "./parser.js";
import { relativePath } from "./paths.js";
import { PersistentStore } from "./persistent-store.js";
import { ProjectRoots } from "./project-root.js";
import { mightContainFunc, shouldTransform, transformablePath } from "./quick-check.js";
import { Resolver, type Resolved } from "./resolver.js";
import { analyseScopes } from "./scope.js";
import { TsconfigPaths } from "./tsconfig-paths.js";

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
  buildInfos: BuildInfo[];
  /** Absolute paths of every file in the calls' closures (imports, assets, manifests, tsconfigs). */
  watchFiles: string[];
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

export const DEFAULT_MAX_DEPENDENCY_DEPTH = 8;
/** Build info lists at most this many closure files; larger closures omit `depsFiles`. */
export const MAX_DEPS_FILES = 200;
/** Packages that are the runtime itself: always counted by version, never descended. */
const RUNTIME_PACKAGES = ["daft"];

/** The warm-cache entry of one module: enough to rebuild the output without parsing. */
interface TransformEntry {
  /** hash of the code the entry was made from */
  source: string;
  settings: string;
  insertions: Insertion[];
  buildInfos: BuildInfo[];
  warnings: string[];
  /** [path, content hash] of every file the output depends on */
  stamps: Array<[string, string]>;
  watch: string[];
}

export function createTransformer(options: TransformerOptions = {}): Transformer {
  return new DaftTransformer(options);
}

class DaftTransformer implements Transformer {
  private readonly fs = new FsCache();
  private readonly roots = new ProjectRoots(this.fs);
  private readonly tsconfig: TsconfigPaths;
  private readonly resolver: Resolver;
  private readonly records: FileRecords;
  private readonly store: PersistentStore<StoredFileEntry, TransformEntry> | undefined;
  private readonly memoryEntries = new Map<string, TransformEntry>();
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
    this.store = options.persistentCacheFile
      ? new PersistentStore<StoredFileEntry, TransformEntry>(
          resolve(options.persistentCacheFile),
          `${NORMALISER_VERSION}.${CODE_HASH_VERSION}.${BUILD_INFO_VERSION}.${parserVersion()}`,
          internalWarning,
        )
      : undefined;
    this.records = new FileRecords(this.store as PersistentStore<StoredFileEntry, unknown> | undefined);
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
    const settings = this.settingsKey(root);

    const warm = this.warmEntry(absolute, source, settings);
    if (warm) {
      this.stats.warmHits++;
      for (const warning of warm.warnings) this.reportWarning(warning);
      return warm.insertions.length === 0 ? undefined : this.result(code, absolute, warm);
    }

    const computed = new ModuleTransform(code, absolute, root, this).run();
    if (!computed) return undefined;
    const { entry, complete } = computed;
    for (const warning of entry.warnings) this.reportWarning(warning);
    entry.source = source;
    entry.settings = settings;
    if (complete) this.remember(absolute, entry);
    return entry.insertions.length === 0 ? undefined : this.result(code, absolute, entry);
  }

  invalidate(file: string): void {
    const path = resolve(transformablePath(file) ?? file);
    this.records.forget(path);
    this.fs.forget(path);
    this.fs.forget(dirname(path));
    this.resolver.forgetAll();
    this.memoryEntries.clear();
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
    this.memoryEntries.clear();
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

  private settingsKey(root: string): string {
    const rootKey = this.store ? this.store.key(root) : root;
    return `${this.maxDepth}|${rootKey}`;
  }

  private warmEntry(file: string, source: string, settings: string): TransformEntry | undefined {
    const entry = this.memoryEntries.get(file) ?? this.storedEntry(file);
    if (!entry || entry.source !== source || entry.settings !== settings) return undefined;
    for (const [path, hash] of entry.stamps) {
      if (this.records.get(path).contentHash !== hash) return undefined;
    }
    this.memoryEntries.set(file, entry);
    return entry;
  }

  private storedEntry(file: string): TransformEntry | undefined {
    const stored = this.store?.getTransform(file);
    if (!stored) return undefined;
    const store = this.store!;
    return {
      ...stored,
      stamps: stored.stamps.map(([path, hash]) => [store.absolute(path), hash]),
      watch: stored.watch.map((path) => store.absolute(path)),
    };
  }

  private remember(file: string, entry: TransformEntry): void {
    this.memoryEntries.set(file, entry);
    if (!this.store) return;
    const store = this.store;
    store.setTransform(file, {
      ...entry,
      stamps: entry.stamps.map(([path, hash]) => [store.key(path), hash]),
      watch: entry.watch.map((path) => store.key(path)),
    });
  }

  private result(code: string, file: string, entry: TransformEntry): TransformResult {
    const injected = applyInsertions(code, entry.insertions, file);
    return {
      code: injected.code,
      get map() {
        return injected.map;
      },
      buildInfos: entry.buildInfos,
      watchFiles: entry.watch,
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

  run(): { entry: TransformEntry; complete: boolean } | undefined {
    let program: AnyNode;
    try {
      program = parseModule(this.code, sourceKindOf(this.file)!).program as unknown as AnyNode;
    } catch (error) {
      if (!(error instanceof SourceSyntaxError)) throw error;
      const where = error.line !== undefined ? `${this.rel}:${error.line}:${(error.column ?? 0) + 1}` : this.rel;
      const message = `daft transform: ${where}: syntax error, file not transformed: ${error.message}`;
      return {
        entry: { source: "", settings: "", insertions: [], buildInfos: [], warnings: [message], stamps: [], watch: [] },
        complete: false,
      };
    }
    const analysis = analyseScopes(program);
    const { calls, skipped } = findFuncCalls(analysis);
    for (const { node, reason } of skipped) this.warn(node, `${describeCall(node)} is not transformed: ${reason}`);
    if (calls.length === 0) {
      return { entry: this.entry([], [], new Map(), new Set()), complete: true };
    }

    const fileEdges = analysis.imports;
    const fileLevelEdges = sideEffectEdges(program, fileEdges);
    const memo: CanonicalMemo = new Map();
    const depsByLevel1 = new Map<string, DependencyResult>();
    const insertions: Insertion[] = [];
    const buildInfos: BuildInfo[] = [];
    const stamps = new Map<string, string>();
    const watch = new Set<string>();
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
      for (const [path, hash] of deps.stamps) stamps.set(path, hash);
      for (const path of deps.watchFiles) watch.add(path);

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
    return { entry: this.entry(insertions, buildInfos, stamps, watch), complete };
  }

  private entry(insertions: Insertion[], buildInfos: BuildInfo[], stamps: Map<string, string>, watch: Set<string>): TransformEntry {
    return {
      source: "",
      settings: "",
      insertions,
      buildInfos,
      warnings: [...this.warnings],
      stamps: [...stamps],
      watch: [...watch].sort(),
    };
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
