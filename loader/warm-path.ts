/**
 * The loader's start-up path: a module whose transform is in the cache file and still holds
 * (the rule is warm-transforms.ts's, the same the transformer applies) is answered here, with a
 * few stats and a string splice. Neither the transformer nor the parser is loaded for it, and
 * only the small "transforms" part of the cache file is parsed.
 *
 * Anything else (no cache file, a new or edited module, a file of its closure that changed or
 * was touched) is declined, and the caller hands the module to the full transformer.
 */
import { dirname } from "node:path";
import { hashString } from "../src/hashing/xxhash.js";
import { applyInsertions } from "../src/transform/inject.js";
import { readTransformsSection, RelativeKeys } from "../src/transform/persistent-store.js";
import type { ProjectRoots } from "../src/project-root.js";
import { StatCache } from "../src/transform/stamps.js";
import { TRANSFORM_CACHE_VERSION } from "../src/transform/versions.js";
import { DEFAULT_MAX_DEPENDENCY_DEPTH, settingsKey, WarmTransforms, type TransformEntry } from "../src/transform/warm-transforms.js";

/** What the warm path says of a module: its new code, "unchanged" (nothing to inject), or undefined (ask the transformer). */
export type WarmAnswer = string | typeof UNCHANGED | undefined;
export const UNCHANGED = Symbol("unchanged");

export class WarmPath {
  private readonly keys: RelativeKeys;
  private readonly warm: WarmTransforms | undefined;
  /** Modules answered here. */
  hits = 0;

  constructor(
    cacheFile: string,
    private readonly roots: ProjectRoots,
    private readonly warn: (message: string) => void,
  ) {
    const stats = new StatCache();
    this.keys = new RelativeKeys(dirname(cacheFile));
    const entries = readTransformsSection<TransformEntry>(cacheFile, TRANSFORM_CACHE_VERSION, stats, (key) => this.keys.absolute(key));
    this.warm = entries && new WarmTransforms((file) => entries[this.keys.key(file)], stats, this.keys);
  }

  /** `code` (the module at `file` as written) with its cached build info, if the cached transform holds. */
  answer(file: string, code: string): WarmAnswer {
    if (!this.warm) return undefined;
    const settings = settingsKey(DEFAULT_MAX_DEPENDENCY_DEPTH, this.keys.key(this.roots.rootOf(file)));
    const match = this.warm.find(file, hashString(code), settings);
    if (!match?.holds) return undefined;
    this.hits++;
    for (const warning of match.entry.warnings) this.warn(warning);
    return match.entry.insertions.length === 0 ? UNCHANGED : applyInsertions(code, match.entry.insertions, file).code;
  }
}
