/**
 * `daft/transform`: the compile-time transform shared by the Node loader and every bundler plugin.
 *
 * ```ts
 * const transformer = createTransformer({ persistentCacheFile: ".cache/daft-transform.json" });
 * const result = transformer.transform(code, "/abs/path/src/pipeline.ts");
 * // result?.code: each func(options, fn) → func(options, fn, {"v":1,"codeHash":…}) on the same line
 * ```
 *
 * Importing this module is cheap: the parser is loaded on the first file that calls `func`.
 */
import { createTransformer, type TransformResult, type TransformerOptions } from "./transformer.js";

export {
  createTransformer,
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
