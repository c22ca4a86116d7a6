/**
 * What a run did, node by node and item by item: `runner.stats`.
 */

export type CacheStatus = "hit" | "miss" | "no-cache";
/**
 * Why a call ran: what differs from the latest stored signature of its key (`new` when none is
 * stored), `hash-source` when the code hash was made another way (the function's own source at
 * run time vs the build's transform) so the hashes cannot be compared, `refresh` when the run
 * asked to recompute its node, and in a dry run `upstream` when its inputs are not known because
 * a node it reads would run.
 */
export type MissReason = "new" | "code" | "hash-source" | "env" | "inputs" | "deps" | "refresh" | "upstream";

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
  /**
   * For a miss: what changed — input names, environment variable names, or dependency files;
   * for `upstream`, the inputs whose nodes would run.
   */
  detail?: string[];
  /** Time spent computing (misses, no-cache) or loading (hits). */
  durationMs: number;
  /** For a miss: whether the result was stored. */
  stored?: boolean;
  /** For a miss that was not stored: why (e.g. the value cannot be serialised). */
  notStoredReason?: string;
  /** In a dry run, on a call that would run (a miss or an uncached call): it did not run. */
  dryRun?: true;
  /** Who ran the call when not this process: `thread 3` (mode "threads"), a `daft worker`'s name. */
  worker?: string;
}

/** A call (or a node, when the failure is not one call's) that threw: the run fails with `error`. */
export interface FailureEvent {
  node: string;
  output: string;
  /** The failing call's cache key, or the node's output. */
  key: string;
  /** For a mapped node: the failing item's index. */
  item?: number;
  status: "failed";
  /** Time from the node's start to the failure. */
  durationMs: number;
  /** What was thrown: a `NodeError` naming the node (and item) with the function's error as its `cause`. */
  error: unknown;
}

/** What `onEvent` receives, as it happens: each hit, each miss once stored (or not), each uncached call, each failure. */
export type RunEvent = CacheEvent | FailureEvent;

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
  /**
   * A dry run: nothing ran and nothing was stored. `hits` would hit; `misses` and `noCache`
   * count the calls that would run, their events saying why.
   */
  dryRun?: boolean;
  /** Per node that started, in plan order (dependencies first, else registration order). */
  nodes: NodeRunStats[];
  /** One event per call, node by node in plan order; a node's calls in the order they finished. */
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
  key: string | KeySource;
  first: number | undefined;
  count: number;
  durations: Float64Array;
}

type LogEntry = HitRun | { event: CacheEvent };

/**
 * The stats of one run. Each node keeps its own log, so nodes that run at the same time do not
 * interleave and `events` comes out in plan order whatever the timing. Hits are logged as runs of
 * consecutive items rather than as objects: an all-hit mapped node over 100k items would
 * otherwise keep 100k event objects alive through the run, which costs the garbage collector a
 * quarter of the run. `events` builds the objects when first read; misses and uncached calls,
 * rare by comparison, are kept whole.
 */
export class RunStats implements CacheStats {
  hits = 0;
  misses = 0;
  noCache = 0;
  notStored = 0;
  durationMs = 0;
  declare dryRun?: boolean;
  nodes: NodeRunStats[] = [];
  declare readonly events: CacheEvent[];

  readonly #logs = new Map<NodeRunStats, NodeLog>();
  #events: CacheEvent[] | undefined;

  constructor() {
    // An own, enumerable accessor, so `events` shows in JSON.stringify and object spreads.
    Object.defineProperty(this, "events", { enumerable: true, get: () => (this.#events ??= this.#materialise()) });
  }

  /** Adds a node that starts, at its place in the plan; its calls are recorded in the log returned. */
  addNode(nodeStats: NodeRunStats, position: number): NodeLog {
    const log = new NodeLog(this, nodeStats, position, () => (this.#events = undefined));
    this.#logs.set(nodeStats, log);
    let index = this.nodes.length;
    while (index > 0 && this.#logs.get(this.nodes[index - 1]!)!.position > position) index--;
    this.nodes.splice(index, 0, nodeStats);
    return log;
  }

  /** A node's events other than hits, without building the hits' objects. */
  nonHitEvents(nodeStats: NodeRunStats): CacheEvent[] {
    const found: CacheEvent[] = [];
    for (const entry of this.#logs.get(nodeStats)?.entries ?? []) if ("event" in entry) found.push(entry.event);
    return found;
  }

  #materialise(): CacheEvent[] {
    const events: CacheEvent[] = [];
    for (const owner of this.nodes) {
      for (const entry of this.#logs.get(owner)!.entries) {
        if ("event" in entry) {
          events.push(entry.event);
          continue;
        }
        const { key, first, count, durations } = entry;
        for (let i = 0; i < count; i++) {
          const item = first === undefined ? undefined : first + i;
          const base = { node: owner.node, output: owner.output, key: typeof key === "string" ? key : key.keyOf(item) };
          events.push(item === undefined ? { ...base, status: "hit", durationMs: durations[i]! } : { ...base, item, status: "hit", durationMs: durations[i]! });
        }
      }
    }
    return events;
  }
}

/** One node's record of its calls, counted in its `NodeRunStats` and in the run's totals. */
export class NodeLog {
  readonly entries: LogEntry[] = [];
  /** The run the next hit may extend. */
  #open: HitRun | undefined;

  constructor(
    private readonly run: RunStats,
    private readonly nodeStats: NodeRunStats,
    /** The node's index in the plan. */
    readonly position: number,
    private readonly changed: () => void,
  ) {}

  recordHit(key: string | KeySource, item: number | undefined, durationMs: number): void {
    this.run.hits++;
    this.nodeStats.hits++;
    this.changed();
    const open = this.#open;
    if (open !== undefined && open.key === key && item !== undefined && item === open.first! + open.count) {
      if (open.count === open.durations.length) {
        const grown = new Float64Array(open.count * 2);
        grown.set(open.durations);
        open.durations = grown;
      }
      open.durations[open.count++] = durationMs;
      return;
    }
    const run: HitRun = { key, first: item, count: 1, durations: new Float64Array(item === undefined ? 1 : 16) };
    run.durations[0] = durationMs;
    this.entries.push(run);
    this.#open = item === undefined ? undefined : run;
  }

  /** Adds one event that is not a hit (a miss, or a call of an uncached node). */
  record(event: CacheEvent): void {
    if (event.status === "hit") {
      this.recordHit(event.key, event.item, event.durationMs);
      return;
    }
    this.entries.push({ event });
    this.#open = undefined;
    this.changed();
    const { run, nodeStats } = this;
    if (event.status === "miss") {
      run.misses++;
      nodeStats.misses++;
    } else {
      run.noCache++;
      nodeStats.noCache++;
    }
    if (event.stored === false) {
      run.notStored++;
      nodeStats.notStored++;
    }
  }
}
