/**
 * The work of daft's load hook, the same for `module.registerHooks` (in-thread) and
 * `module.register` (hooks thread): given what Node (or an earlier hook) loaded for a URL,
 * return the code with build info injected, or undefined to pass the module through untouched.
 *
 * Most modules never mention daft; for them this costs a URL prefix test, a regular expression
 * on the path and one native byte search, and the source is not even decoded.
 *
 * A module that mentions daft is answered by the warm path (warm-path.ts) when its cached
 * transform still holds; only otherwise is the cold path (cold-path.ts: the transformer, the
 * parser) loaded, synchronously, on first need.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { debugLoader } from "../src/debug/index.js";
import { hashBytes, hashString } from "../src/hashing/xxhash.js";
import { FsCache } from "../src/transform/fs-cache.js";
import { ProjectRoots } from "../src/project-root.js";
import { mightContainFunc, transformablePath } from "../src/transform/quick-check.js";
import { TRANSFORM_CACHE_FILE } from "./cache-location.js";
import type { ColdParts } from "./cold-path.js";
import { rawSource, sourceMentionsDaft, sourceText, type LoadedSource } from "./module-source.js";
import { UNCHANGED, WarmPath } from "./warm-path.js";

export interface DaftLoaderOptions {
  /**
   * Folder of the cache files kept across runs (undefined keeps caches in memory only), or a
   * function that finds it (given the project-root finder the loader uses anyway), called when
   * the first module that mentions daft arrives.
   */
  cacheDir: string | undefined | ((rootOf: (dir: string) => string) => string | undefined);
  /**
   * Whether CommonJS modules are transformed. Under `module.register` (Node 20) they are not:
   * giving Node 20 the source of a CommonJS module switches it to a reduced `require`.
   */
  commonJs: boolean;
  warn: (message: string) => void;
  /** Whether to measure the time spent in the hook (for `DAFT_LOADER_STATS`). */
  timed?: boolean;
  /** Called once, when the cold path is loaded. */
  onColdPath?: () => void;
}

/** daft's own compiled files (`dist/`): the runtime has no nodes to hash. */
const OWN_DIST = new URL("../", import.meta.url).href;
/**
 * What `transformablePath` accepts, tested on the URL so most modules are turned away before
 * the URL is converted to a path (the transform decides precisely once a module mentions daft).
 */
const SOURCE_URL = /\.(?:[cm]?[jt]s|[jt]sx)(?:[?#].*)?$/i;

const ESM_FORMATS = new Set(["module", "module-typescript"]);
const COMMONJS_FORMATS = new Set(["commonjs", "commonjs-typescript"]);

export interface LoaderStats {
  /** file: modules of a JavaScript or TypeScript format outside node_modules */
  candidates: number;
  /** …that mention daft and were handed to the transformer */
  checked: number;
  /** …whose code came from another loader, with build info computed from the file on disk */
  compiledElsewhere: number;
  /** modules returned with build info injected */
  injected: number;
  /** wall time spent in this hook's own work (not in loading), in milliseconds */
  ms: number;
}

export class DaftLoader {
  /** Project roots, found once per directory for the cache folder and the warm path alike. */
  private readonly roots = new ProjectRoots(new FsCache());
  private cacheDir: string | undefined | null = null;
  private warmPath: WarmPath | undefined;
  private coldParts: ColdParts | undefined;
  private readonly formats: Set<string>;
  readonly stats: LoaderStats = { candidates: 0, checked: 0, compiledElsewhere: 0, injected: 0, ms: 0 };

  constructor(private readonly options: DaftLoaderOptions) {
    this.formats = new Set(options.commonJs ? [...ESM_FORMATS, ...COMMONJS_FORMATS] : ESM_FORMATS);
  }

  /** Found when the first module that mentions daft arrives: a process without one pays nothing. */
  private get dir(): string | undefined {
    if (this.cacheDir === null) {
      const given = this.options.cacheDir;
      this.cacheDir = typeof given === "function" ? given((dir) => this.roots.rootOfDir(dir)) : given;
      if (debugLoader.enabled) debugLoader(`caches in ${this.cacheDir ?? "memory only"}`);
    }
    return this.cacheDir;
  }

  /** Made on first use, from the cache file as it is at that moment. */
  private get warm(): WarmPath | undefined {
    const dir = this.dir;
    if (dir !== undefined) this.warmPath ??= new WarmPath(join(dir, TRANSFORM_CACHE_FILE), this.roots, this.options.warn);
    return this.warmPath;
  }

  /** Whether the cold path has been loaded (then there may be something to save at exit). */
  get coldPathLoaded(): boolean {
    return this.coldParts !== undefined;
  }

  private get cold(): ColdParts {
    if (!this.coldParts) {
      if (debugLoader.enabled) debugLoader("loading the transformer (cold path)");
      const { createColdParts } = createRequire(import.meta.url)("./cold-path.js") as typeof import("./cold-path.js");
      this.coldParts = createColdParts({ hashString, hashBytes }, this.dir, this.options.warn);
      this.options.onColdPath?.();
    }
    return this.coldParts;
  }

  /** The module's new source, or undefined to keep what was loaded. */
  transform(url: string, format: string | null | undefined, source: LoadedSource): string | undefined {
    if (!this.options.timed) return this.transformModule(url, format, source);
    const start = performance.now();
    try {
      return this.transformModule(url, format, source);
    } finally {
      this.stats.ms += performance.now() - start;
    }
  }

  private transformModule(url: string, format: string | null | undefined, source: LoadedSource): string | undefined {
    if (!url.startsWith("file:") || !this.acceptsFormat(format)) return undefined;
    if (!SOURCE_URL.test(url) || url.includes("/node_modules/") || url.startsWith(OWN_DIST)) return undefined;
    this.stats.candidates++;
    const given = source == null ? undefined : rawSource(source);
    if (given !== undefined && !sourceMentionsDaft(given)) return undefined;
    const file = transformablePath(url);
    if (file === undefined) return undefined;
    const raw = given ?? readFileSync(file);
    if (given === undefined && !sourceMentionsDaft(raw)) return undefined;
    const code = sourceText(raw);
    if (!mightContainFunc(code)) return undefined;
    this.stats.checked++;

    // The code hashes as the code the cached transform was made from: the insertions fit it.
    const warm = this.warm?.answer(file, code);
    if (warm !== undefined) return warm === UNCHANGED ? undefined : this.injected(warm);

    const { transformer, foreign } = this.cold;
    if (given === undefined || sameAsFile(given, file)) return this.injected(transformer.transform(code, file)?.code);

    // Another loader compiled the file: hash the file as written, inject into what arrived.
    this.stats.compiledElsewhere++;
    const original = transformer.transform(readFileSync(file, "utf8"), file);
    if (!original) return undefined;
    const result = foreign.inject(code, file, original.buildInfos);
    if ("code" in result) return this.injected(result.code);
    this.options.warn(
      `daft loader: ${file}: ${result.problem}: another loader compiled it before daft's hook saw it, and its func nodes ` +
        `use runtime hashes (meta.hashSource "runtime"). Registering daft first (--import daft/loader before the other ` +
        `loader's --import) lets daft see the file as written.`,
    );
    return undefined;
  }

  /**
   * A JavaScript or TypeScript format. `require()` of a .js file in a package without
   * "type": "module" reaches the hooks with no format at all (Node 22/24): CommonJS, then.
   */
  private acceptsFormat(format: string | null | undefined): boolean {
    return format == null ? this.options.commonJs : this.formats.has(format);
  }

  /** Writes the caches (at exit); only the cold path ever has something to write. */
  save(): void {
    this.coldParts?.transformer.save();
    this.coldParts?.foreign.save();
  }

  /**
   * The counters, for `DAFT_LOADER_STATS=1`. `transforms` and `warmHits` count the warm path's
   * answers and the transformer's together; `coldPath` says whether the transformer was loaded.
   */
  report(): string {
    const cold = this.coldParts?.transformer.stats ?? {
      transforms: 0,
      warmHits: 0,
      files: { parsed: 0, hashed: 0, reusedStored: 0, reusedMemory: 0 },
    };
    const warmPathHits = this.warmPath?.hits ?? 0;
    const compiledParsed = this.coldParts?.foreign.parsed ?? 0;
    const ms = Math.round(this.stats.ms * 100) / 100;
    return `daft loader: ${JSON.stringify({
      ...this.stats,
      ms,
      compiledParsed,
      transforms: cold.transforms + warmPathHits,
      warmHits: cold.warmHits + warmPathHits,
      warmPathHits,
      coldPath: this.coldParts !== undefined,
      files: cold.files,
    })}`;
  }

  private injected(code: string | undefined): string | undefined {
    if (code !== undefined) this.stats.injected++;
    return code;
  }
}

/** Whether what was loaded is the file as written (no other loader compiled it). */
function sameAsFile(loaded: string | Buffer, file: string): boolean {
  return typeof loaded === "string" ? loaded === readFileSync(file, "utf8") : loaded.equals(readFileSync(file));
}
