/**
 * The cold part of the transform (see cold-part.ts): everything that parses, resolves or
 * hashes code, for the modules the light part cannot answer from the cache.
 */
import type { BuildInfo } from "../../build-info.js";
import { compareCodeUnits } from "../../code-unit-order.js";
import { basename, dirname } from "node:path";
import type { ColdContext, ColdPart, ComputedTransform } from "../cold-part.js";
import { FsCache } from "../fs-cache.js";
import type { Stamp } from "../stamps.js";
import { fileEntryProblem, type StoredFileEntry, type TransformEntry } from "../stored-data.js";
import { ForeignCodeInjector, type ForeignInjection } from "./foreign-code.js";
import { nodeClosure, type NodeClosure } from "./binding-closure.js";
import { FileRecords } from "./file-records.js";
import type { ModuleGraph, Piece } from "./module-graph.js";
import { DAFT_PACKAGE } from "./func-calls.js";
import { FUNC_NAME } from "./scope.js";
import { ModuleTransform } from "./module-transform.js";
import { Resolver } from "./resolver.js";
import { saveStore } from "./store-writer.js";
import { TsconfigPaths } from "./tsconfig-paths.js";

/** Packages that are the runtime itself: always counted by version, never descended. */
const RUNTIME_PACKAGES = [DAFT_PACKAGE];
/** How many re-exports a wrapper of daft's func may go through (a cycle ends sooner). */
const MAX_REEXPORT_HOPS = 16;

export function createColdPart(context: ColdContext): ColdPart {
  return new TransformEngine(context);
}

class TransformEngine implements ColdPart {
  private readonly fs = new FsCache();
  private readonly tsconfig: TsconfigPaths;
  private readonly resolver: Resolver;
  private readonly records: FileRecords;
  private readonly compiled: ForeignCodeInjector;

  constructor(private readonly context: ColdContext) {
    this.tsconfig = new TsconfigPaths(context.warn);
    this.resolver = new Resolver(this.fs, this.tsconfig, RUNTIME_PACKAGES);
    this.records = new FileRecords(context.store?.section<StoredFileEntry>("files", fileEntryProblem), context.fileStats, context.stats.files);
    this.compiled = new ForeignCodeInjector(context.compiledCallsFile, context.warn, context.stats);
  }

  compute(code: string, file: string, root: string): ComputedTransform {
    const { entry, complete } = new ModuleTransform(code, file, root, this).run();
    const keys = this.context.keys;
    const stamps = [...entry.files].map((path) => this.records.stampOf(path, keys.key(path))).sort((a, b) => compareCodeUnits(a[0], b[0]));
    return { entry: { calls: entry.calls, warnings: entry.warnings, stamps }, complete };
  }

  confirm(entry: TransformEntry): Stamp[] | undefined {
    const keys = this.context.keys;
    for (const [key, , , hash] of entry.stamps) {
      if (this.records.get(keys.absolute(key)).contentHash !== hash) return undefined;
    }
    return entry.stamps.map(([key]) => this.records.stampOf(keys.absolute(key), key));
  }

  injectCompiled(compiled: string, file: string, infos: readonly BuildInfo[]): ForeignInjection {
    return this.compiled.inject(compiled, file, infos, (source, name) => this.reexportsFunc(file, source, name, new Set()));
  }

  // ---- used by ModuleTransform ----

  closure(file: string, graph: ModuleGraph, root: Piece, projectRoot: string, warn: (message: string) => void): NodeClosure {
    return nodeClosure(root, {
      records: this.records,
      graphs: this.records,
      resolver: this.resolver,
      fs: this.fs,
      file,
      graph,
      root: projectRoot,
      maxDepth: this.context.maxDepth,
      warn,
    });
  }

  reexportsFunc(importer: string, specifier: string, name: string, consulted: Set<string>): boolean {
    return this.followExport(importer, specifier, name, consulted, new Set(), 0);
  }

  /** Follows an imported name through `export { x } from`, `import … export { x }` and `export *` to where it is defined. */
  private followExport(importer: string, specifier: string, name: string, consulted: Set<string>, asked: Set<string>, hops: number): boolean {
    if (hops > MAX_REEXPORT_HOPS) return false;
    // The package is named, as in the module that calls func directly (func-calls.ts).
    if (specifier === DAFT_PACKAGE) return name === FUNC_NAME;
    const resolved = this.resolver.resolve(specifier, importer, "import");
    if (resolved.type !== "file") return false;
    // Barrels that `export *` from each other: each module is asked for a name once.
    const question = `${name}\u0000${resolved.path}`;
    if (asked.has(question)) return false;
    asked.add(question);
    consulted.add(resolved.path);
    const graph = this.records.graphOf(resolved.path);
    if (!graph) return false;
    const target = graph.exports.get(name);
    if (target) {
      if ("source" in target) return this.followExport(resolved.path, target.source, target.name, consulted, asked, hops + 1);
      const imported = graph.imports.get(target.local);
      return imported !== undefined && this.followExport(resolved.path, imported.source, imported.name, consulted, asked, hops + 1);
    }
    // `export *` never re-exports a default.
    return name !== "default" && graph.stars.some((star) => this.followExport(resolved.path, star, name, consulted, asked, hops + 1));
  }

  // ---- caches ----

  invalidate(path: string): void {
    this.fs.forget(path);
    this.fs.forget(dirname(path));
    this.records.forget(path);
    this.resolver.forgetAll();
    const name = basename(path);
    if (name === "package.json" || /^tsconfig.*\.json$/.test(name) || /^jsconfig.*\.json$/.test(name)) this.tsconfig.forgetAll();
  }

  invalidateAll(): void {
    this.fs.forgetAll();
    this.records.forgetAll();
    this.resolver.forgetAll();
    this.tsconfig.forgetAll();
  }

  save(): void {
    if (this.context.store) saveStore(this.context.store);
    this.compiled.save();
  }

  get unsaved(): boolean {
    return (this.context.store?.dirty ?? false) || this.compiled.unsaved;
  }
}

