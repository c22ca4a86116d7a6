/** A value, or a promise of it: backends may be synchronous (memory, disk) or not (network). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * What identifies one stored result. `nodeName` is the cache key of the node (its `output`,
 * or `output::itemKey` for one item of a mapped node); the four hashes say which code, which
 * environment, which inputs and which imported files produced it.
 */
export interface NodeSignature {
  nodeName: string;
  codeHash: string;
  envHash: string;
  inputsHash: string;
  depsHash: string;
  timestamp: number;
  /**
   * Finer-grained hashes kept only to explain a later miss: one hash per input name, one per
   * dependency file. Optional, so a user backend may drop them without breaking lookups.
   */
  parts?: SignatureParts;
}

export interface SignatureParts {
  inputs?: Record<string, string>;
  /**
   * By dependency: a file of the import closure (`src/text/pad.ts`, or `src/text/pad.ts#padNumber`
   * where the build info hashes bindings), a declared data file, or, for a closure too large to
   * list, an import level (`import level 3`).
   */
  deps?: Record<string, string>;
  env?: Record<string, string>;
  /** How the code hash was made: `source` is the node's `hashSource` ("build" or "runtime"). */
  code?: Record<string, string>;
}

/** One stored result. */
export interface CacheEntry {
  value: unknown;
  /** Canonical hash of `value`, computed once when it was produced (early cutoff downstream). */
  outputHash: string;
  createdAt: number;
  durationMs: number;
  /** For a mapped node cached as a whole: the output hash of each item, in order. */
  itemHashes?: string[];
  /**
   * The node name (cache key) this result belongs to, set by the runner. Optional for user
   * backends; the disk cache keeps it with the value so it can report and evict per node.
   */
  nodeName?: string;
}

/**
 * The storage protocol. `getMeta`/`setMeta` keep the latest signature seen per node name (used
 * to explain misses and by the CLI); `getBlob`/`setBlob` hold one entry per distinct signature,
 * under the key the runner derives from it.
 */
export interface CacheBackend {
  getMeta(nodeName: string): MaybePromise<NodeSignature | undefined>;
  setMeta(signature: NodeSignature): MaybePromise<void>;
  getBlob(key: string): MaybePromise<CacheEntry | undefined>;
  setBlob(key: string, entry: CacheEntry): MaybePromise<void>;
  clear(): MaybePromise<void>;
  /**
   * Optional: called once at the end of every run, so a backend that batches writes (metadata,
   * access times) can persist them. Errors are reported, never thrown into the run.
   */
  flush?(): MaybePromise<void>;
  /**
   * Optional bulk lookup, used by the runner for the items of a mapped node when present: the
   * entries of `keys`, in the same order, `undefined` where absent. Lets a disk or network
   * backend answer thousands of items in one transaction or round trip.
   */
  getMany?(keys: readonly string[]): MaybePromise<(CacheEntry | undefined)[]>;
  /**
   * Optional bulk store, the counterpart of `getMany`. Resolves to nothing when every entry was
   * stored, or to an array aligned with `entries` holding, for each entry that was not stored,
   * the error saying why (a `NotStorableError` for a value the backend cannot keep faithfully)
   * and `undefined` for the ones that were.
   */
  setMany?(entries: readonly BlobWrite[]): MaybePromise<(Error | undefined)[] | void>;
}

/** One write of a `setMany` batch. */
export interface BlobWrite {
  key: string;
  entry: CacheEntry;
}
