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

/** What derives a logged hit's key from its item index (the node's call shape). */
export interface KeySource {
  keyOf(index: number | undefined): string;
}

/**
 * Consecutive hits of one node, items `first`, `first + 1`, … (or the one hit of an unmapped
 * node, `first` undefined): an all-hit mapped node is one of these, whatever its size.
 */
interface HitRun {
  owner: NodeRunStats;
  key: string | KeySource;
  first: number | undefined;
  count: number;
  durations: Float64Array;
}

type LogEntry = HitRun | { owner: NodeRunStats; event: CacheEvent };

/**
 * The stats of one run. Hits are logged as runs of consecutive items rather than as objects:
 * an all-hit mapped node over 100k items would otherwise keep 100k event objects alive through
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

  #log: LogEntry[] = [];
  /** The run the next hit may extend. */
  #open: HitRun | undefined;
  #events: CacheEvent[] | undefined;

  constructor() {
    // An own, enumerable accessor, so `events` shows in JSON.stringify and object spreads.
    Object.defineProperty(this, "events", { enumerable: true, get: () => (this.#events ??= this.#materialise()) });
  }

  recordHit(nodeStats: NodeRunStats, key: string | KeySource, item: number | undefined, durationMs: number): void {
    this.hits++;
    nodeStats.hits++;
    this.#events = undefined;
    const open = this.#open;
    if (open !== undefined && open.owner === nodeStats && open.key === key && item !== undefined && item === open.first! + open.count) {
      if (open.count === open.durations.length) {
        const grown = new Float64Array(open.count * 2);
        grown.set(open.durations);
        open.durations = grown;
      }
      open.durations[open.count++] = durationMs;
      return;
    }
    const run: HitRun = { owner: nodeStats, key, first: item, count: 1, durations: new Float64Array(item === undefined ? 1 : 16) };
    run.durations[0] = durationMs;
    this.#log.push(run);
    this.#open = item === undefined ? undefined : run;
  }

  /** Adds one event that is not a hit (a miss, or a call of an uncached node). */
  record(nodeStats: NodeRunStats, event: CacheEvent): void {
    if (event.status === "hit") {
      this.recordHit(nodeStats, event.key, event.item, event.durationMs);
      return;
    }
    this.#log.push({ owner: nodeStats, event });
    this.#open = undefined;
    this.#events = undefined;
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
    for (const entry of this.#log) if ("event" in entry && entry.owner === nodeStats) found.push(entry.event);
    return found;
  }

  #materialise(): CacheEvent[] {
    const events: CacheEvent[] = [];
    for (const entry of this.#log) {
      if ("event" in entry) {
        events.push(entry.event);
        continue;
      }
      const { owner, key, first, count, durations } = entry;
      for (let i = 0; i < count; i++) {
        const item = first === undefined ? undefined : first + i;
        const base = { node: owner.node, output: owner.output, key: typeof key === "string" ? key : key.keyOf(item) };
        events.push(item === undefined ? { ...base, status: "hit", durationMs: durations[i]! } : { ...base, item, status: "hit", durationMs: durations[i]! });
      }
    }
    return events;
  }
}
