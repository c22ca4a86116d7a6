/**
 * `CacheConfig`: whether and how a Runner caches. The Runner also accepts these options as a
 * plain object.
 */
import { DefinitionError } from "../errors.js";
import { MemoryCache } from "./memory.js";
import type { CacheBackend } from "./types.js";

export interface CacheConfigOptions {
  /** Look nodes with `cache: true` up in the backend (default false). */
  enabled?: boolean;
  /** Where results live (default: a new MemoryCache). */
  backend?: CacheBackend;
  /** Joins every node's environment hash (a node's own `cacheKey` takes precedence). */
  envHash?: string;
  /** How many import levels of a node's code count towards its signature (default: all of them). */
  dependencyDepth?: number;
  /** Print a `[CACHE]` summary on stderr after each run; "explain" adds why each miss missed. */
  verbose?: boolean | "explain";
  /** Cache a mapped node per item (`output::itemKey`) rather than as a whole (default true). */
  perItemCaching?: boolean;
}

const BACKEND_METHODS = ["getMeta", "setMeta", "getBlob", "setBlob", "clear"] as const;

export class CacheConfig {
  readonly enabled: boolean;
  readonly backend: CacheBackend;
  readonly envHash: string | undefined;
  readonly dependencyDepth: number;
  readonly verbose: boolean | "explain";
  readonly perItemCaching: boolean;

  constructor(options: CacheConfigOptions = {}) {
    this.enabled = options.enabled ?? false;
    this.backend = options.backend ?? new MemoryCache();
    this.envHash = options.envHash;
    this.dependencyDepth = options.dependencyDepth ?? Infinity;
    this.verbose = options.verbose ?? true;
    this.perItemCaching = options.perItemCaching ?? true;
    const missing = BACKEND_METHODS.filter((method) => typeof (this.backend as unknown as Record<string, unknown>)[method] !== "function");
    if (missing.length > 0) {
      throw new DefinitionError(
        `CacheConfig: the backend lacks ${missing.join(", ")}; a backend implements getMeta, setMeta, getBlob, setBlob and clear (see CacheBackend)`,
      );
    }
    if (this.dependencyDepth !== Infinity && (!Number.isInteger(this.dependencyDepth) || this.dependencyDepth < 0)) {
      throw new DefinitionError(`CacheConfig: dependencyDepth must be a whole number ≥ 0 or Infinity, got ${String(options.dependencyDepth)}`);
    }
    if (this.envHash !== undefined && typeof this.envHash !== "string") {
      throw new DefinitionError(`CacheConfig: envHash must be a string, got ${typeof this.envHash}`);
    }
  }

  static from(options: CacheConfig | CacheConfigOptions | undefined): CacheConfig {
    return options instanceof CacheConfig ? options : new CacheConfig(options ?? {});
  }
}
