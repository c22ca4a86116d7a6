/**
 * How the runtime reaches the transform core when a cached node's `func` call was not
 * transformed (see call-site-build.ts). In source form (tests, and the files tsc writes) it is
 * an ordinary import. The runtime's bundle (dist/src/index.js) replaces this module with
 * transform-access-bundled.ts (scripts/bundle.mjs), which loads the transform's light part from
 * a bundle of its own on first use, so `import "daft"` never loads it where every call was
 * transformed.
 */
import * as transform from "../transform/index.js";

export type TransformFace = Pick<typeof transform, "createTransformer" | "transformCacheFile" | "transformablePath">;

export function loadTransform(): TransformFace {
  return transform;
}
