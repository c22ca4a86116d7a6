/**
 * `daft/transform`: the compile-time transform shared by the Node loader and every bundler plugin.
 *
 * ```ts
 * const transformer = createTransformer({ persistentCacheFile: "/abs/project/.cache/daft-transform.json" });
 * const result = transformer.transform(code, "/abs/project/src/pipeline.ts");
 * // result?.code: each func(options, fn) → func(options, fn, {"v":1,"codeHash":…}) on the same line
 * // result?.map (lazy), result?.buildInfos, result?.watchFiles, result?.warnings
 * transformer.invalidate(changedFile); // from a watcher
 * transformer.save();                  // persist the cache (e.g. at process exit)
 * ```
 *
 * - Synchronous throughout (the Node loader calls it from `module.registerHooks`).
 * - Project root (paths in hashes and build info are relative to it), unless `root` is given:
 *   from each file, the nearest ancestor that is a workspace root (package.json with
 *   "workspaces", or pnpm-workspace.yaml), else the nearest directory with a package.json.
 * - Caches: file records (content hash + import edges) and resolutions in memory, trusted until
 *   `invalidate(file)`; with `persistentCacheFile`, file records and whole-transform results are
 *   kept across processes (validated by size + mtime, confirmed by content hash), so an unchanged
 *   module is answered with stats only.
 * - Importing this module is cheap: Babel, get-tsconfig, resolve.exports and magic-string are
 *   loaded on first use.
 */
import { createTransformer as createCoreTransformer, type Transformer, type TransformResult, type TransformerOptions } from "./transformer.js";
import { debugTransform } from "../debug/index.js";
import { logTransforms } from "../debug/describe.js";

/** A Transformer (see transformer.ts); with `DEBUG=daft:transform`, one that logs each module. */
export function createTransformer(options: TransformerOptions = {}): Transformer {
  return debugTransform.enabled ? logTransforms(createCoreTransformer(options)) : createCoreTransformer(options);
}

export {
  DEFAULT_MAX_DEPENDENCY_DEPTH,
  MAX_DEPS_FILES,
  type Transformer,
  type TransformerOptions,
  type TransformerStats,
  type TransformResult,
} from "./transformer.js";
export { mightContainFunc, shouldTransform, transformablePath } from "./quick-check.js";
export type { BuildInfo } from "../build-info.js";

/** One-shot transform with fresh caches (tests, scripts). Build tools should keep a Transformer. */
export function transformCode(code: string, id: string, options: TransformerOptions = {}): TransformResult | undefined {
  return createTransformer(options).transform(code, id);
}
