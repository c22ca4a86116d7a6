/**
 * transform-access.ts as the runtime's bundle (dist/src/index.js) has it (scripts/bundle.mjs
 * swaps it in): the transform's light part is dist/loader/runtime-transform.js, loaded with
 * `require()` (func metadata is read synchronously) the first time a cached node has no build
 * info. Its cold part (parser, resolver) is loaded by it in turn, only when the transform cache
 * does not already answer.
 */
import { createRequire } from "node:module";
import type { TransformFace } from "./transform-access.js";

let loaded: TransformFace | undefined;

export function loadTransform(): TransformFace {
  return (loaded ??= createRequire(import.meta.url)("../loader/runtime-transform.js") as TransformFace);
}
