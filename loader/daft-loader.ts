/**
 * The work of daft's load hook, the same for `module.registerHooks` (in-thread) and
 * `module.register` (hooks thread): given what Node (or an earlier hook) loaded for a URL,
 * return the code with build info injected, or undefined to pass the module through untouched.
 *
 * Most modules never mention daft; for them this costs a URL prefix test, a regular expression
 * on the path and one native byte search, and the source is not even decoded.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { debugLoader } from "../src/debug/index.js";
import { createTransformer, type Transformer } from "../src/transform/index.js";
import { mightContainFunc, transformablePath } from "../src/transform/quick-check.js";
import { ForeignCodeInjector } from "./foreign-code.js";
import { rawSource, sourceMentionsDaft, sourceText, type LoadedSource } from "./module-source.js";

export interface DaftLoaderOptions {
  /**
   * Folder of the cache files kept across runs (undefined keeps caches in memory only), or a
   * function that finds it, called when the first module that mentions daft arrives.
   */
  cacheDir: string | undefined | (() => string | undefined);
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
  private parts: { transformer: Transformer; foreign: ForeignCodeInjector } | undefined;
  private readonly formats: Set<string>;
  readonly stats: LoaderStats = { candidates: 0, checked: 0, compiledElsewhere: 0, injected: 0, ms: 0 };

  constructor(private readonly options: DaftLoaderOptions) {
    this.formats = new Set(options.commonJs ? [...ESM_FORMATS, ...COMMONJS_FORMATS] : ESM_FORMATS);
  }

  /** Made on first use: a process that never loads a module mentioning daft pays nothing for it. */
  private get transformer(): Transformer {
    return (this.parts ??= this.createParts()).transformer;
  }

  private get foreign(): ForeignCodeInjector {
    return (this.parts ??= this.createParts()).foreign;
  }

  private createParts(): { transformer: Transformer; foreign: ForeignCodeInjector } {
    const { cacheDir: given, warn } = this.options;
    const cacheDir = typeof given === "function" ? given() : given;
    if (debugLoader.enabled) debugLoader(`caches in ${cacheDir ?? "memory only"}`);
    return {
      transformer: createTransformer({
        persistentCacheFile: cacheDir ? join(cacheDir, "transform.json") : false,
        onWarning: warn,
      }),
      foreign: new ForeignCodeInjector(cacheDir ? join(cacheDir, "compiled-calls.json") : undefined, (message) => warn(`daft loader: ${message}`)),
    };
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

    if (given === undefined || sameAsFile(given, file)) return this.injected(this.transformer.transform(code, file)?.code);

    // Another loader compiled the file: hash the file as written, inject into what arrived.
    this.stats.compiledElsewhere++;
    const original = this.transformer.transform(readFileSync(file, "utf8"), file);
    if (!original) return undefined;
    const result = this.foreign.inject(code, file, original.buildInfos);
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

  /** Writes the caches (at exit). */
  save(): void {
    this.parts?.transformer.save();
    this.parts?.foreign.save();
  }

  /** The counters, for `DAFT_LOADER_STATS=1`. */
  report(): string {
    const { transforms, warmHits, files } = this.parts?.transformer.stats ?? {
      transforms: 0,
      warmHits: 0,
      files: { parsed: 0, hashed: 0, reusedStored: 0, reusedMemory: 0 },
    };
    const compiledParsed = this.parts?.foreign.parsed ?? 0;
    const ms = Math.round(this.stats.ms * 100) / 100;
    return `daft loader: ${JSON.stringify({ ...this.stats, ms, compiledParsed, transforms, warmHits, files })}`;
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
