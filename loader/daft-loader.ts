/**
 * The work of daft's load hook, the same for `module.registerHooks` (in-thread) and
 * `module.register` (hooks thread): given what Node (or an earlier hook) loaded for a URL,
 * return the code with build info injected, or undefined to pass the module through untouched.
 *
 * This is Node plumbing only: which URLs and formats are modules the transform may see, and
 * how Node hands over their source. What to inject is the transform's business, through its
 * public face; it answers unchanged modules from its cache file without loading the parser.
 *
 * Most modules never mention daft; for them this costs a path test, one native byte search,
 * and the source is not even decoded.
 */
import { readFileSync } from "node:fs";
import { debugLoader } from "../src/debug/index.js";
import { createTransformer, mentionsDaft, mightContainFunc, transformablePath, type Transformer } from "../src/transform/index.js";
import { rawSource, sourceText, type LoadedSource } from "./module-source.js";

export interface DaftLoaderOptions {
  /**
   * The transform's cache file (undefined keeps caches in memory only), or a function that finds
   * it, called when the first module that mentions daft arrives.
   */
  cacheFile: string | undefined | (() => string | undefined);
  /**
   * Whether CommonJS modules are transformed. Under `module.register` (Node 20) they are not:
   * giving Node 20 the source of a CommonJS module switches it to a reduced `require`.
   */
  commonJs: boolean;
  warn: (message: string) => void;
  /** Whether to measure the time spent in the hook (for `DAFT_LOADER_STATS`). */
  timed?: boolean;
}

/** daft's own compiled files (`dist/`): the runtime has no nodes to hash. */
const OWN_DIST = new URL("../", import.meta.url).href;

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
  private transformerInstance: Transformer | undefined;
  private readonly formats: Set<string>;
  readonly stats: LoaderStats = { candidates: 0, checked: 0, compiledElsewhere: 0, injected: 0, ms: 0 };

  constructor(private readonly options: DaftLoaderOptions) {
    this.formats = new Set(options.commonJs ? [...ESM_FORMATS, ...COMMONJS_FORMATS] : ESM_FORMATS);
  }

  /** Made when the first module that mentions daft arrives: a process without one pays nothing. */
  private get transformer(): Transformer {
    if (!this.transformerInstance) {
      const given = this.options.cacheFile;
      const cacheFile = typeof given === "function" ? given() : given;
      if (debugLoader.enabled) debugLoader(`transform cache ${cacheFile ?? "in memory only"}`);
      this.transformerInstance = createTransformer({ persistentCacheFile: cacheFile ?? false, onWarning: this.options.warn });
    }
    return this.transformerInstance;
  }

  /** Whether the transformer has results that `save()` would write. */
  get unsaved(): boolean {
    return this.transformerInstance?.unsaved ?? false;
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
    if (!url.startsWith("file:") || !this.acceptsFormat(format) || url.startsWith(OWN_DIST)) return undefined;
    const file = transformablePath(url);
    if (file === undefined) return undefined;
    this.stats.candidates++;
    const given = source == null ? undefined : rawSource(source);
    const raw = given ?? readFileSync(file);
    if (!mentionsDaft(raw)) return undefined;
    const code = sourceText(raw);
    if (!mightContainFunc(code)) return undefined;
    this.stats.checked++;

    const result = this.transformer.transformLoaded(code, file);
    if ("problem" in result) {
      this.stats.compiledElsewhere++;
      this.options.warn(
        `daft loader: ${file}: ${result.problem}: another loader compiled it before daft's hook saw it, and its func nodes ` +
          `use runtime hashes (meta.hashSource "runtime"). Registering daft first (--import daft/loader before the other ` +
          `loader's --import) lets daft see the file as written.`,
      );
      return undefined;
    }
    if (result.compiledElsewhere) this.stats.compiledElsewhere++;
    if (result.result !== undefined) this.stats.injected++;
    return result.result?.code;
  }

  /**
   * A JavaScript or TypeScript format. `require()` of a .js file in a package without
   * "type": "module" reaches the hooks with no format at all (Node 22/24): CommonJS, then.
   */
  private acceptsFormat(format: string | null | undefined): boolean {
    return format == null ? this.options.commonJs : this.formats.has(format);
  }

  /** Writes the caches (at exit). */
  save(): void {
    this.transformerInstance?.save();
  }

  /** The counters, for `DAFT_LOADER_STATS=1`: the hook's and the transformer's. */
  report(): string {
    const { transforms, warmHits, compiledParsed, files } = this.transformerInstance?.stats ?? {
      transforms: 0,
      warmHits: 0,
      compiledParsed: 0,
      files: { parsed: 0, hashed: 0, reusedStored: 0, reusedMemory: 0 },
    };
    const ms = Math.round(this.stats.ms * 100) / 100;
    return `daft loader: ${JSON.stringify({ ...this.stats, ms, compiledParsed, transforms, warmHits, files })}`;
  }
}
