/**
 * What a run did, node by node and item by item: `runner.stats`.
 */

export type CacheStatus = "hit" | "miss" | "no-cache";
export type MissReason = "new" | "code" | "env" | "inputs" | "deps";

export interface CacheEvent {
  /** The function's name (or its output when anonymous). */
  node: string;
  output: string;
  /** The cache key: `output`, or `output::itemKey` for an item of a mapped node. */
  key: string;
  /** For a mapped node: the item's index. */
  item?: number;
  status: CacheStatus;
  /** For a miss: what differs from the latest stored signature of this key. */
  reason?: MissReason;
  /** For a miss: what changed — input names, environment variable names, or dependency files. */
  detail?: string[];
  /** Time spent computing (misses, no-cache) or loading (hits). */
  durationMs: number;
  /** For a miss: whether the result was stored. */
  stored?: boolean;
  /** For a miss that was not stored: why (e.g. the value cannot be serialised). */
  notStoredReason?: string;
}

export interface NodeRunStats {
  node: string;
  output: string;
  mapped: boolean;
  /** Items for a mapped node; 1 otherwise. */
  items: number;
  hits: number;
  misses: number;
  noCache: number;
  notStored: number;
  /** Wall time of the node. */
  durationMs: number;
  /** The node threw (the run rejected with its error). */
  failed?: boolean;
  /** A mapped node cached as one entry (`perItemCaching: false`): one lookup for all its items. */
  cachedWhole?: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  noCache: number;
  notStored: number;
  /** Wall time of the run. */
  durationMs: number;
  /** Per node, in execution order. */
  nodes: NodeRunStats[];
  /** One event per call, in the order calls finished. */
  readonly events: CacheEvent[];
}

export function newNodeStats(node: string, output: string, mapped: boolean, items: number): NodeRunStats {
  return { node, output, mapped, items, hits: 0, misses: 0, noCache: 0, notStored: 0, durationMs: 0 };
}

const NO_ITEM = -1;

/** What derives a logged hit's key from its item index (the node's call shape). */
export interface KeySource {
  keyOf(index: number | undefined): string;
}

/**
 * The stats of one run. A hit is logged in parallel arrays rather than as an object: an
 * all-hit mapped node over 100k items would otherwise keep 100k event objects alive through
 * the run, which costs the garbage collector a quarter of the run. `events` builds the objects
 * when first read; misses and uncached calls, rare by comparison, are kept whole.
 */
export class RunStats implements CacheStats {
  hits = 0;
  misses = 0;
  noCache = 0;
  notStored = 0;
  durationMs = 0;
  nodes: NodeRunStats[] = [];
  declare readonly events: CacheEvent[];

  #owners: NodeRunStats[] = [];
  #keys: (string | KeySource)[] = [];
  #items: number[] = [];
  #durations: number[] = [];
  /** The whole event of a call that was not a hit; undefined for a hit. */
  #whole: (CacheEvent | undefined)[] = [];
  #events: CacheEvent[] | undefined;

  constructor() {
    // An own, enumerable accessor, so `events` shows in JSON.stringify and object spreads.
    Object.defineProperty(this, "events", { enumerable: true, get: () => (this.#events ??= this.#materialise()) });
  }

  recordHit(nodeStats: NodeRunStats, key: string | KeySource, item: number | undefined, durationMs: number): void {
    this.#append(nodeStats, key, item, durationMs, undefined);
    this.hits++;
    nodeStats.hits++;
  }

  /** Adds one event that is not a hit (a miss, or a call of an uncached node). */
  record(nodeStats: NodeRunStats, event: CacheEvent): void {
    if (event.status === "hit") {
      this.recordHit(nodeStats, event.key, event.item, event.durationMs);
      return;
    }
    this.#append(nodeStats, event.key, event.item, event.durationMs, event);
    if (event.status === "miss") {
      this.misses++;
      nodeStats.misses++;
    } else {
      this.noCache++;
      nodeStats.noCache++;
    }
    if (event.stored === false) {
      this.notStored++;
      nodeStats.notStored++;
    }
  }

  /** A node's events other than hits, without building the hits' objects. */
  nonHitEvents(nodeStats: NodeRunStats): CacheEvent[] {
    const found: CacheEvent[] = [];
    for (let i = 0; i < this.#whole.length; i++) {
      const event = this.#whole[i];
      if (event && this.#owners[i] === nodeStats) found.push(event);
    }
    return found;
  }

  #append(nodeStats: NodeRunStats, key: string | KeySource, item: number | undefined, durationMs: number, whole: CacheEvent | undefined): void {
    this.#owners.push(nodeStats);
    this.#keys.push(key);
    this.#items.push(item ?? NO_ITEM);
    this.#durations.push(durationMs);
    this.#whole.push(whole);
    this.#events = undefined;
  }

  #materialise(): CacheEvent[] {
    const events = new Array<CacheEvent>(this.#keys.length);
    for (let i = 0; i < events.length; i++) {
      const whole = this.#whole[i];
      if (whole) {
        events[i] = whole;
        continue;
      }
      const owner = this.#owners[i]!;
      const item = this.#items[i]!;
      const key = this.#keys[i]!;
      const base = { node: owner.node, output: owner.output, key: typeof key === "string" ? key : key.keyOf(item === NO_ITEM ? undefined : item) };
      events[i] =
        item === NO_ITEM
          ? { ...base, status: "hit", durationMs: this.#durations[i]! }
          : { ...base, item, status: "hit", durationMs: this.#durations[i]! };
    }
    return events;
  }
}
