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
import { ModuleTransform } from "./module-transform.js";
import { Resolver } from "./resolver.js";
import { saveStore } from "./store-writer.js";
import { TsconfigPaths } from "./tsconfig-paths.js";

/** Packages that are the runtime itself: always counted by version, never descended. */
const RUNTIME_PACKAGES = ["daft"];

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
    return this.compiled.inject(compiled, file, infos);
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

