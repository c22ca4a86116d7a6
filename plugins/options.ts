/**
 * Options of the bundler plugins (`daft/vite`, `daft/rollup`, `daft/esbuild`, `daft/webpack`,
 * `daft/rspack`). Every field is optional: `daft()` with no options is the normal setup.
 */
import { join, resolve } from "node:path";
import type { FilterPattern } from "unplugin";
import { findProjectRoot } from "../src/project-root.js";

export interface DaftPluginOptions {
  /**
   * Modules to look at (picomatch globs relative to the working directory, or regular
   * expressions tested against absolute ids). Default: every .js .mjs .cjs .ts .mts .cts .jsx
   * .tsx module. Files in `node_modules` are never transformed, whatever this says.
   */
  include?: FilterPattern;
  /**
   * Modules to leave alone, in the same form as `include`. Default: `node_modules`, and ids whose
   * query makes them something else than the module's code (`?raw`, `?url`, `?worker`, `?inline`).
   */
  exclude?: FilterPattern;
  /**
   * Project root: paths in hashes and build info are relative to it. Leave it unset to get the
   * hashes the Node loader and the other bundlers get: by default each file's root is the nearest
   * workspace root above it, else the nearest directory with a package.json.
   */
  root?: string;
  /** How many import levels get a dependency hash (default 8; a node uses `dependencyDepth` of them). */
  maxDependencyDepth?: number;
  /**
   * Keep the transform's results across builds so a warm build parses nothing that did not
   * change. `true` (default): `node_modules/.cache/daft/transform.json` in the project root (the
   * workspace root above the bundler's root directory, the same file `node --import daft/loader`
   * uses, so each tool starts warm from the other's work); a string names the file (relative to
   * `root` or the bundler's root directory); `false` keeps nothing on disk.
   */
  cache?: boolean | string;
}

/** Source modules the transform may handle; the id may carry a query (`?v=123`). */
export const SOURCE_ID = /\.(?:[cm]?[jt]s|[jt]sx)(?:$|[?#])/;
/** The same test without the query part, for esbuild (its filters run in Go: no lookaround). */
export const SOURCE_PATH = /\.(?:[cm]?[jt]s|[jt]sx)$/;
export const NODE_MODULES = /[\\/]node_modules[\\/]/;
/** Vite-style queries that turn a source file into a string, a URL or a worker wrapper. */
export const NOT_CODE_QUERY = /[?&](?:raw|url|worker|sharedworker|inline)\b/;
/**
 * A module can only call `func` if it names the "daft" package in a string. Bundlers that run
 * hook filters natively test this without calling the plugin at all. No back-reference, so
 * native regex engines accept it; it is looser than the transform's own check, never stricter.
 */
export const MENTIONS_DAFT = /["'`]daft["'`]/;

export const DEFAULT_CACHE_FILE = join("node_modules", ".cache", "daft", "transform.json");

export function checkOptions(options: DaftPluginOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`daft plugin: options must be an object like { include, exclude, root, maxDependencyDepth, cache }, got ${String(options)}`);
  }
  const depth = options.maxDependencyDepth;
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) {
    throw new RangeError(`daft plugin: maxDependencyDepth must be a whole number ≥ 1, got ${String(depth)}`);
  }
  if (options.root !== undefined && (typeof options.root !== "string" || options.root === "")) {
    throw new TypeError(`daft plugin: root must be a directory path, got ${String(options.root)}`);
  }
  const cache = options.cache;
  if (cache !== undefined && typeof cache !== "boolean" && (typeof cache !== "string" || cache === "")) {
    throw new TypeError(`daft plugin: cache must be true, false or a file path, got ${String(cache)}`);
  }
}

/** The persistent cache file for these options, or undefined when there is none. */
export function cacheFileFor(options: DaftPluginOptions, bundlerRoot: string): string | undefined {
  const cache = options.cache ?? true;
  if (cache === false) return undefined;
  const base = options.root !== undefined ? resolve(options.root) : bundlerRoot;
  return typeof cache === "string" ? resolve(base, cache) : join(options.root !== undefined ? base : findProjectRoot(base), DEFAULT_CACHE_FILE);
}
