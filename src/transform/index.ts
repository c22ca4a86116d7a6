/**
 * `daft/transform`: the compile-time transform, and the one face through which the Node loader
 * and every bundler plugin use it.
 *
 * ```ts
 * const transformer = createTransformer({ persistentCacheFile: transformCacheFile(projectRoot) ?? false });
 * const result = transformer.transform(code, "/abs/project/src/pipeline.ts");
 * // result?.code: each func(options, fn) → func(options, fn, {"v":1,"codeHash":…}) on the same line
 * // result?.map (lazy), result?.buildInfos, result?.watchFiles, result?.warnings
 * transformer.invalidate(changedFile); // from a watcher
 * transformer.save();                  // persist the cache (e.g. at process exit)
 * ```
 *
 * - Synchronous throughout (the Node loader calls it from `module.registerHooks`).
 * - Which modules: `transformablePath` (the source-file predicate; hosts build their hook
 *   filters from `SOURCE_ID`, `SOURCE_PATH`, `IN_NODE_MODULES`, `NAMES_DAFT`), then the cheap
 *   text checks `mentionsDaft` / `mightContainFunc` before anything is parsed.
 * - Project root (paths in hashes and build info are relative to it), unless `root` is given:
 *   from each file, the nearest ancestor that is a workspace root (package.json with
 *   "workspaces", or pnpm-workspace.yaml), else the nearest directory with a package.json.
 * - Caches: in memory, trusted until `invalidate(file)`; with `persistentCacheFile` (by default
 *   `transformCacheFile(root)`, shared by the loader and the plugins), kept across processes and
 *   validated by size + mtime, confirmed by content hash, so an unchanged module is answered
 *   with stats only.
 * - Importing this module is cheap: the cold part's dependencies (Babel, get-tsconfig,
 *   resolve.exports, magic-string) are loaded on first use.
 */
import { createTransformer, type TransformerOptions, type TransformResult } from "./transformer.js";

export {
  createTransformer,
  type FuncCallSite,
  type LoadedTransform,
  type TransformCallOptions,
  type Transformer,
  type TransformerOptions,
  type TransformerStats,
  type TransformResult,
} from "./transformer.js";
export { DEFAULT_MAX_DEPENDENCY_DEPTH } from "./warm-transforms.js";
export { MAX_DEPS_FILES } from "./stored-data.js";
export { mentionsDaft, mightContainFunc, NAMES_DAFT, shouldTransform } from "./quick-check.js";
export { IN_NODE_MODULES, isInNodeModules, SOURCE_ID, SOURCE_PATH, transformablePath } from "./source-files.js";
export { TRANSFORM_CACHE_FILE, transformCacheFile } from "./cache-location.js";
export type { BuildInfo } from "../build-info.js";

/** One-shot transform with fresh caches (tests, scripts). Build tools should keep a Transformer. */
export function transformCode(code: string, id: string, options: TransformerOptions = {}): TransformResult | undefined {
  return createTransformer(options).transform(code, id);
}
