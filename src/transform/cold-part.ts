/**
 * The transform's cold part (cold/: parser, scope analysis, resolver, dependency hashing, and
 * the injection into code another tool compiled), and what the light part shares with it.
 *
 * The light part (transformer.ts) answers every module whose cached transform still holds; the
 * cold part is asked only when it does not, and created then. In source form (tests, and the
 * files tsc writes for `daft/transform` and the bundler plugins) it is an ordinary import. The
 * Node loader's start-up bundle replaces this module with cold-part-bundled.ts
 * (scripts/bundle.mjs), which loads the cold part from a bundle of its own on first use, so a
 * warm start never compiles it.
 */
import type { BuildInfo } from "../build-info.js";
import type { ForeignInjection } from "./cold/foreign-code.js";
import { createColdPart } from "./cold/index.js";
import type { PersistentStore } from "./persistent-store.js";
import type { Stamp, StatCache } from "./stamps.js";
import type { TransformEntry } from "./stored-data.js";
import type { TransformerStats } from "./transformer.js";
import type { StampKeys } from "./warm-transforms.js";

/** What the light part shares: its file stats, the cache file (which the cold part writes), settings and counters. */
export interface ColdContext {
  fileStats: StatCache;
  store: PersistentStore | undefined;
  /** Where call positions in code another tool compiled are kept across runs (none: memory only). */
  compiledCallsFile: string | undefined;
  keys: StampKeys;
  maxDepth: number;
  /** The cold part adds to `files` and `compiledParsed`. */
  stats: TransformerStats;
  /** A warning of the transform (without the "daft transform: " prefix). */
  warn: (message: string) => void;
}

/** A module's transform, computed from its code. */
export interface ComputedTransform {
  entry: Omit<TransformEntry, "source" | "settings">;
  /** False when the result must not be kept (an import did not resolve: a file created later may change it). */
  complete: boolean;
}

export interface ColdPart {
  compute(code: string, file: string, root: string): ComputedTransform;
  /**
   * The stamps of an entry whose files do not all hold by stat, taken again, if their contents
   * are unchanged (touched, checked out again, copied without timestamps); else undefined.
   */
  confirm(entry: TransformEntry): Stamp[] | undefined;
  /** `compiled` with `infos` (computed from the file as written) injected at its func calls, in order. */
  injectCompiled(compiled: string, file: string, infos: readonly BuildInfo[]): ForeignInjection;
  invalidate(path: string): void;
  invalidateAll(): void;
  /** Writes the cache files: the light part's entries and its own. */
  save(): void;
  readonly unsaved: boolean;
}

export function loadColdPart(): (context: ColdContext) => ColdPart {
  return createColdPart;
}
