/**
 * The loader's cold path: the full transformer (parser, resolver, dependency hashing) and the
 * injector for code another loader compiled. Bundled on its own (dist/loader/cold-path.js) and
 * loaded only when the warm path (warm-path.ts) cannot answer a module, so a warm start never
 * compiles it.
 */
import { join } from "node:path";
import { createTransformer, type Transformer } from "../src/transform/index.js";
import { COMPILED_CALLS_FILE, TRANSFORM_CACHE_FILE } from "./cache-location.js";
import { ForeignCodeInjector } from "./foreign-code.js";
import { provideHashing } from "./hashing-handoff.js";

export interface ColdParts {
  transformer: Transformer;
  foreign: ForeignCodeInjector;
}

export function createColdParts(
  hashing: Parameters<typeof provideHashing>[0],
  cacheDir: string | undefined,
  warn: (message: string) => void,
): ColdParts {
  provideHashing(hashing);
  return {
    transformer: createTransformer({
      persistentCacheFile: cacheDir ? join(cacheDir, TRANSFORM_CACHE_FILE) : false,
      onWarning: warn,
    }),
    foreign: new ForeignCodeInjector(cacheDir ? join(cacheDir, COMPILED_CALLS_FILE) : undefined, (message) => warn(`daft loader: ${message}`)),
  };
}
