/**
 * Versions of what the transform computes. Each is bumped when its output changes shape, so
 * hashes (and cache files) of an older daft are never compared with new ones. They live in this
 * small module, not next to the code they describe, so that the light part (transformer.ts) can
 * check a cache file's version without loading the parser-side code.
 */
import { BUILD_INFO_VERSION } from "../build-info.js";

/** The canonical text of a module or function (normalise.ts). */
export const NORMALISER_VERSION = 2;

/** What goes into a code hash (code-closure.ts). */
export const CODE_HASH_VERSION = 2;

/** Which calls are func calls (func-calls.ts): 2 also finds calls through modules that re-export func. */
export const FUNC_CALLS_VERSION = 2;

/** The layout of the transform cache file and of its entries (persistent-store.ts, stored-data.ts). */
const CACHE_LAYOUT_VERSION = 5;

/** The version a transform cache file must have to be read. */
export const TRANSFORM_CACHE_VERSION = `${CACHE_LAYOUT_VERSION}.${NORMALISER_VERSION}.${CODE_HASH_VERSION}.${BUILD_INFO_VERSION}.${FUNC_CALLS_VERSION}`;
