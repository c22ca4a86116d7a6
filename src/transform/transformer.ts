/**
 * The transformer: one per build (or per process, for the Node loader). It holds every cache —
 * project roots, file stats, whole-transform results, the cache file — and turns a module's
 * code into the same code with build info injected into each `func(options, fn)` call.
 *
 * This is the light part. A module whose cached transform still holds (warm-transforms.ts: same
 * code, same settings, every file it was computed from unchanged by stat) is answered here with
 * a few stats and a splice. Everything else goes to the cold part (cold-part.ts: parser,
 * resolver, dependency hashing), created on first need, so a warm start never loads it.
 *
 * Synchronous by design: the Node loader calls it from `module.registerHooks`.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { SourceMap } from "magic-string";
import type { BuildInfo } from "../build-info.js";
import { debugTransform } from "../debug/index.js";
import { hashString } from "../hashing/xxhash.js";
import { ProjectRoots } from "../project-root.js";
import { compiledCallsFileBeside } from "./cache-location.js";
import type { FileRecordStats } from "./cold/file-records.js";
import { loadColdPart, type ColdPart } from "./cold-part.js";
import { applyInsertions, insertionsFor, type InjectedCode, type Insertion } from "./inject.js";
import { parserIdentity } from "./parser-identity.js";
import { relativePath } from "./paths.js";
import { PersistentStore, type StoreSection } from "./persistent-store.js";
import { mightContainFunc } from "./quick-check.js";
import { transformablePath } from "./source-files.js";
import { StatCache } from "./stamps.js";
import { buildInfoOf, transformEntryProblem, type TransformEntry } from "./stored-data.js";
import { TRANSFORM_CACHE_VERSION } from "./versions.js";
import { ABSOLUTE_KEYS, DEFAULT_MAX_DEPENDENCY_DEPTH, isDependencyDepth, settingsKey, WarmTransforms, watchFilesOf, type StampKeys, type WarmMatch } from "./warm-transforms.js";

export interface TransformerOptions {
  /**
   * Project root: paths in hashes and build info are relative to it. Default: found from each
   * file (the nearest workspace root above it, else the nearest directory with a package.json).
   */
  root?: string;
  /** How many import levels the dependency hashes follow (default: all of them). */
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
  /** Where each of those calls is in the code given, and its `output` when written as a literal. */
  readonly callSites: FuncCallSite[];
  /** Absolute paths of every file in the calls' closures (imports, assets, manifests, tsconfigs). */
  readonly watchFiles: string[];
  warnings: string[];
}

/** A func call's place in the code: offsets of its start and of its closing parenthesis. */
export interface FuncCallSite {
  start: number;
  end: number;
  output: string | undefined;
}

/**
 * What became of a module a host loaded (see `transformLoaded`): the transformed module
 * (undefined: keep it as it is) and whether another tool had compiled it; or why the build info
 * could not go in.
 */
export type LoadedTransform = { result: TransformResult | undefined; compiledElsewhere: boolean } | { problem: string };

export interface TransformerStats {
  /** transform() calls that got as far as the cheap check passing. */
  transforms: number;
  /** …of which answered from the warm cache, without parsing. */
  warmHits: number;
  /** Modules compiled by another tool whose func calls had to be found by parsing. */
  compiledParsed: number;
  /** How file records were obtained (parsed, byte-hashed, reused from the store or memory). */
  files: FileRecordStats;
}

/** How one module is transformed. */
export interface TransformCallOptions {
  /**
   * The caller knows a `func` call runs in this module (the runtime, from the call's stack
   * frame): transform it even when it never names "daft" (it calls `func` through a wrapper
   * module that re-exports it), which the cheap check that spares every other module rejects.
   */
  callsFunc?: boolean;
}

export interface Transformer {
  /** The transformed module, or undefined when there is nothing to do (or it does not parse). */
  transform(code: string, id: string, options?: TransformCallOptions): TransformResult | undefined;
  /**
   * For a host that may receive code another tool already compiled from the file (a Node loader
   * registered before daft's, a bundler plugin that compiles in its `load` hook): `code` is what
   * arrived for `id`. Build info always comes from the file as written, so every tool gets the
   * same hashes; in compiled code it goes in at the func calls, matched in order and by input
   * names. A module with no file behind it (a bundler plugin's own) is taken as written.
   */
  transformLoaded(code: string, id: string): LoadedTransform;
  /** A watcher saw `file` change, appear or disappear. */
  invalidate(file: string): void;
  /** Forget everything learnt from the file system (but keep the persistent cache file). */
  invalidateAll(): void;
  /** Writes the persistent cache (no-op without `persistentCacheFile`). */
  save(): void;
  /** Whether `save()` has something to write. */
  readonly unsaved: boolean;
  readonly stats: TransformerStats;
}

export { DEFAULT_MAX_DEPENDENCY_DEPTH };

/** The build info of a module's calls, and the insertions that put it into the module's code. */
interface Injection {
  buildInfos: BuildInfo[];
  insertions: Insertion[];
}

/** Where a module stands: its project root, its path relative to it, the settings its entry must have. */
interface Place {
  root: string;
  rel: string;
  settings: string;
}

export function createTransformer(options: TransformerOptions = {}): Transformer {
  return new DaftTransformer(options);
}

class DaftTransformer implements Transformer {
  private readonly fileStats = new StatCache();
  private readonly roots = new ProjectRoots();
  private readonly store: PersistentStore | undefined;
  private readonly keys: StampKeys;
  /** The cache file's whole-transform entries. */
  private readonly stored: StoreSection<TransformEntry> | undefined;
  private readonly warm: WarmTransforms;
  private readonly maxDepth: number;
  private readonly fixedRoot: string | undefined;
  private readonly reportWarning: (message: string) => void;
  private coldPart: ColdPart | undefined;
  /** What each entry injects, made once per entry (see injectionOf). */
  private readonly injections = new WeakMap<TransformEntry, Injection>();
  readonly stats: TransformerStats = {
    transforms: 0,
    warmHits: 0,
    compiledParsed: 0,
    files: { parsed: 0, hashed: 0, reusedStored: 0, reusedMemory: 0 },
  };

  constructor(options: TransformerOptions) {
    const depth = options.maxDependencyDepth ?? DEFAULT_MAX_DEPENDENCY_DEPTH;
    if (!isDependencyDepth(depth)) {
      throw new RangeError(`daft transform: maxDependencyDepth must be a whole number ≥ 1 or Infinity, got ${String(options.maxDependencyDepth)}`);
    }
    this.maxDepth = depth;
    this.fixedRoot = options.root === undefined ? undefined : resolve(options.root);
    this.reportWarning = options.onWarning ?? (() => {});
    this.store = options.persistentCacheFile
      ? new PersistentStore(resolve(options.persistentCacheFile), {
          version: TRANSFORM_CACHE_VERSION,
          parser: parserIdentity,
          onWarning: (message) => this.reportWarning(`daft transform: ${message}`),
        })
      : undefined;
    this.keys = this.store?.stampKeys ?? ABSOLUTE_KEYS;
    this.stored = this.store?.section<TransformEntry>("transforms", transformEntryProblem);
    const stored = this.stored;
    this.warm = new WarmTransforms((file) => stored?.get(file), this.fileStats, this.keys);
  }

  transform(code: string, id: string, options?: TransformCallOptions): TransformResult | undefined {
    const file = transformablePath(id);
    if (file === undefined || (options?.callsFunc !== true && !mightContainFunc(code))) return undefined;
    return this.transformFile(code, resolve(file), hashString(code));
  }

  transformLoaded(code: string, id: string): LoadedTransform {
    const path = transformablePath(id);
    if (path === undefined || !mightContainFunc(code)) return { result: undefined, compiledElsewhere: false };
    const file = resolve(path);
    const source = hashString(code);
    const place = this.placeOf(file);
    const match = this.warm.find(file, source, place.settings);
    // A cached transform of this very code that holds: it is the file as written (no need to read it).
    const written = match?.holds ? code : (readWritten(file) ?? code);
    if (written === code) return { result: this.transformFile(code, file, source, place, match), compiledElsewhere: false };
    const original = mightContainFunc(written) ? this.transformFile(written, file, hashString(written), place) : undefined;
    if (!original) return { result: undefined, compiledElsewhere: true };
    const injected = this.cold().injectCompiled(code, file, original.buildInfos);
    if ("problem" in injected) return injected;
    return { result: withCode(original, injected), compiledElsewhere: true };
  }

  invalidate(file: string): void {
    const path = resolve(transformablePath(file) ?? file);
    this.fileStats.forget(path);
    this.warm.forgetAll();
    this.coldPart?.invalidate(path);
    const name = basename(path);
    if (name === "package.json" || name === "pnpm-workspace.yaml") this.roots.forgetAll();
  }

  invalidateAll(): void {
    this.fileStats.forgetAll();
    this.roots.forgetAll();
    this.warm.forgetAll();
    this.coldPart?.invalidateAll();
  }

  /** Only the cold part makes entries, so only it has anything to write. */
  save(): void {
    this.coldPart?.save();
  }

  get unsaved(): boolean {
    return this.coldPart?.unsaved ?? false;
  }

  /** `transform` of a file's code, with one `DEBUG=daft:transform` line per module. */
  private transformFile(
    code: string,
    file: string,
    source: string,
    place = this.placeOf(file),
    match = this.warm.find(file, source, place.settings),
  ): TransformResult | undefined {
    if (!debugTransform.enabled) return this.answer(code, file, source, place, match);
    const warmBefore = this.stats.warmHits;
    const started = performance.now();
    const result = this.answer(code, file, source, place, match);
    const took = (performance.now() - started).toFixed(2);
    const how = this.stats.warmHits > warmBefore ? "warm cache" : "parsed";
    if (!result) debugTransform(`${file}: no func calls (${took}ms)`);
    else debugTransform(`${file}: ${result.buildInfos.length} func call(s), ${result.watchFiles.length} closure file(s), ${how} (${took}ms)`);
    return result;
  }

  private answer(code: string, file: string, source: string, place: Place, match: WarmMatch | undefined): TransformResult | undefined {
    this.stats.transforms++;
    const warm = match && (match.holds ? match.entry : this.confirmed(file, match.entry));
    if (warm) {
      const injection = this.injectionOf(code, warm, place.rel);
      if (injection) {
        this.stats.warmHits++;
        this.warm.remember(file, warm);
        for (const warning of warm.warnings) this.reportWarning(warning);
        return this.result(code, file, warm, injection);
      }
      // Made from this code, yet its calls are not where it says: not an entry this transform wrote.
      if (debugTransform.enabled) debugTransform(`${file}: cached transform ignored: its call positions do not fit the code`);
    }

    const computed = this.cold().compute(code, file, place.root);
    const entry: TransformEntry = { source, settings: place.settings, ...computed.entry };
    for (const warning of entry.warnings) this.reportWarning(warning);
    if (computed.complete) {
      this.warm.remember(file, entry);
      this.stored?.set(file, entry);
    }
    return this.result(code, file, entry, this.injectionOf(code, entry, place.rel)!);
  }

  /**
   * The build info of an entry's calls and the text that goes into `code` (the code the entry
   * was made from), made from the entry's data; undefined when its positions do not fit the
   * code. Kept with the entry: a module transformed again unchanged (a rebuild, a watcher)
   * reuses it.
   */
  private injectionOf(code: string, entry: TransformEntry, rel: string): Injection | undefined {
    const known = this.injections.get(entry);
    if (known) return known;
    const buildInfos = entry.calls.map((call) => buildInfoOf(call, rel));
    const insertions = insertionsFor(code, entry.calls, buildInfos);
    if (!insertions) return undefined;
    const injection = { buildInfos, insertions };
    this.injections.set(entry, injection);
    return injection;
  }

  /** The project root of a file, its path relative to it, and the settings an entry for it must have. */
  private placeOf(file: string): Place {
    const root = this.fixedRoot ?? this.roots.rootOf(file);
    return { root, rel: relativePath(root, file), settings: settingsKey(this.maxDepth, this.keys.key(root)) };
  }

  /**
   * An entry whose files do not all hold by stat is still good if their contents are unchanged:
   * confirmed by content hash, it is kept with fresh stamps so the next process answers it by
   * stat again.
   */
  private confirmed(file: string, entry: TransformEntry): TransformEntry | undefined {
    const stamps = this.cold().confirm(entry);
    if (!stamps) return undefined;
    const refreshed = { ...entry, stamps };
    if (JSON.stringify(stamps) !== JSON.stringify(entry.stamps)) this.stored?.set(file, refreshed);
    return refreshed;
  }

  private cold(): ColdPart {
    if (!this.coldPart) {
      if (debugTransform.enabled) debugTransform("loading the cold part (parser, resolver, dependency hashing)");
      this.coldPart = loadColdPart()({
        fileStats: this.fileStats,
        store: this.store,
        compiledCallsFile: this.store && compiledCallsFileBeside(this.store.file),
        keys: this.keys,
        maxDepth: this.maxDepth,
        stats: this.stats,
        warn: (message) => this.reportWarning(`daft transform: ${message}`),
      });
    }
    return this.coldPart;
  }

  private result(code: string, file: string, entry: TransformEntry, { buildInfos, insertions }: Injection): TransformResult | undefined {
    if (insertions.length === 0) return undefined;
    const injected = applyInsertions(code, insertions, file);
    const keys = this.keys;
    let watchFiles: string[] | undefined;
    return {
      code: injected.code,
      get map() {
        return injected.map;
      },
      buildInfos,
      get callSites() {
        return entry.calls.map((call) => ({ start: call.start, end: call.close, output: call.output }));
      },
      get watchFiles() {
        return (watchFiles ??= watchFilesOf(entry, keys));
      },
      warnings: entry.warnings,
    };
  }
}

/** The file's text, or undefined when there is none (a module a bundler plugin made up, a file deleted since). */
function readWritten(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** The transform of the file as written, carried by the compiled code it was injected into. */
function withCode(original: TransformResult, injected: InjectedCode): TransformResult {
  return {
    code: injected.code,
    get map() {
      return injected.map;
    },
    buildInfos: original.buildInfos,
    // Offsets in the file as written, which is what a stack frame's file is read as.
    get callSites() {
      return original.callSites;
    },
    get watchFiles() {
      return original.watchFiles;
    },
    warnings: original.warnings,
  };
}
