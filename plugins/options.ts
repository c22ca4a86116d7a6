/**
 * Options of the bundler plugins (`daft/vite`, `daft/rollup`, `daft/esbuild`, `daft/webpack`,
 * `daft/rspack`). Every field is optional: `daft()` with no options is the normal setup.
 */
import { resolve } from "node:path";
import type { FilterPattern } from "unplugin";
import { findProjectRoot } from "../src/project-root.js";
import { DEFAULT_MAX_DEPENDENCY_DEPTH, IN_NODE_MODULES, SOURCE_ID, transformCacheFile } from "../src/transform/index.js";

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
  /** How many import levels the dependency hashes follow (default: all; a node uses `dependencyDepth` of them). */
  maxDependencyDepth?: number;
  /**
   * Keep the transform's results across builds so a warm build parses nothing that did not
   * change. `true` (default): `node_modules/.cache/daft/transform.json` in the project root (the
   * workspace root above the bundler's root directory, the same file `node --import daft/loader`
   * uses, so each tool starts warm from the other's work; the user's private fallback folder
   * when node_modules cannot be written); a string names the file (relative to `root` or the
   * bundler's root directory); `false` keeps nothing on disk.
   */
  cache?: boolean | string;
}

/** Vite-style queries that turn a source file into a string, a URL or a worker wrapper. */
const NOT_CODE_QUERY = /[?&](?:raw|url|worker|sharedworker|inline)\b/;

/** The options with every default applied, resolved once when the plugin is created. */
export interface ResolvedOptions {
  include: FilterPattern;
  exclude: FilterPattern;
  /** Absolute, or undefined: each file's own project root. */
  root: string | undefined;
  maxDependencyDepth: number;
  /** The cache file, given the bundler's root directory (known only once the bundler is configured); false: none. */
  cacheFile(bundlerRoot: string): string | false;
}

export function resolveOptions(options: DaftPluginOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`daft plugin: options must be an object like { include, exclude, root, maxDependencyDepth, cache }, got ${String(options)}`);
  }
  const depth = options.maxDependencyDepth ?? DEFAULT_MAX_DEPENDENCY_DEPTH;
  if (depth !== Infinity && (!Number.isInteger(depth) || depth < 1)) {
    throw new RangeError(`daft plugin: maxDependencyDepth must be a whole number ≥ 1 or Infinity, got ${String(depth)}`);
  }
  if (options.root !== undefined && (typeof options.root !== "string" || options.root === "")) {
    throw new TypeError(`daft plugin: root must be a directory path, got ${String(options.root)}`);
  }
  const cache = options.cache ?? true;
  if (typeof cache !== "boolean" && (typeof cache !== "string" || cache === "")) {
    throw new TypeError(`daft plugin: cache must be true, false or a file path, got ${String(cache)}`);
  }
  const root = options.root === undefined ? undefined : resolve(options.root);
  return {
    include: options.include ?? SOURCE_ID,
    exclude: options.exclude ?? [IN_NODE_MODULES, NOT_CODE_QUERY],
    root,
    maxDependencyDepth: depth,
    cacheFile(bundlerRoot) {
      if (cache === false) return false;
      if (typeof cache === "string") return resolve(root ?? bundlerRoot, cache);
      return transformCacheFile(root ?? findProjectRoot(bundlerRoot)) ?? false;
    },
  };
}
