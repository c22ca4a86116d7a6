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

/** What the summaries read of a call: its event without the fields that name it. */
export type CallOutcome = Pick<CacheEvent, "status" | "reason" | "detail" | "stored" | "notStoredReason">;

/** What derives a logged call's key from its item index (the node's call shape). */
export interface KeySource {
  keyOf(index: number | undefined): string;
}

/** Why a miss missed, as `runner.stats` shows it (reasons.ts builds these). */
interface Explanation {
  reason: MissReason;
  detail?: string[];
}

/**
 * Consecutive calls of one node with one status, items `first`, `first + 1`, … (or the one call
 * of an unmapped node, `first` undefined): an all-hit or all-miss mapped node is one of these,
 * whatever its size. Per call it keeps a number (its duration) and, for a miss, a reference to
 * its explanation; what is rare (a result not stored, a worker's name) is kept only when present.
 */
interface CallRun {
  status: CacheStatus;
  key: string | KeySource;
  first: number | undefined;
  count: number;
  durations: Float64Array;
  /** Misses: why each missed. */
  whys: Explanation[] | undefined;
  /** Misses: why each was not stored (`undefined` where stored); allocated on the first not stored. */
  notStored: (string | undefined)[] | undefined;
  /** Who ran each call, when not this process; allocated on the first. */
  workers: (string | undefined)[] | undefined;
}

type LogEntry = CallRun | { event: CacheEvent };

/**
 * One call's event, as `runner.stats.events` and `onEvent` show it. `stored` is `true`, or why the
 * result was not stored, for a miss; undefined otherwise.
 */
export function callEvent(
  node: string,
  output: string,
  key: string,
  item: number | undefined,
  status: CacheStatus,
  durationMs: number,
  why?: Explanation,
  stored?: true | string,
  worker?: string,
): CacheEvent {
  const event: CacheEvent = item === undefined ? { node, output, key, status, durationMs } : { node, output, key, item, status, durationMs };
  if (why !== undefined) {
    event.reason = why.reason;
    if (why.detail !== undefined) event.detail = why.detail;
  }
  if (stored !== undefined) {
    event.stored = stored === true;
    if (stored !== true) event.notStoredReason = stored;
  }
  if (worker !== undefined) event.worker = worker;
  return event;
}

/**
 * The stats of one run. Each node keeps its own log, so nodes that run at the same time do not
 * interleave and `events` comes out in plan order whatever the timing. Calls are logged as runs of
 * consecutive items rather than as objects: a mapped node over 100k items would otherwise keep
 * 100k event objects alive through the run, which costs the garbage collector a quarter of the
 * run. `events` builds the objects when first read; dry-run calls, rare by comparison, are kept
 * whole.
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
    const log = new NodeLog(this, nodeStats, position);
    this.#logs.set(nodeStats, log);
    let index = this.nodes.length;
    while (index > 0 && this.#logs.get(this.nodes[index - 1]!)!.position > position) index--;
    this.nodes.splice(index, 0, nodeStats);
    return log;
  }

  /** Called by a node's log when it records a call: `events`, if built, is out of date. */
  changed(): void {
    this.#events = undefined;
  }

  /**
   * What a node's calls other than hits came to, for the summaries: built without their keys
   * (deriving 100k keys again would cost a content hash each) and without the hits.
   */
  nonHitOutcomes(nodeStats: NodeRunStats): CallOutcome[] {
    const found: CallOutcome[] = [];
    for (const entry of this.#logs.get(nodeStats)?.entries ?? []) {
      if ("event" in entry) {
        found.push(entry.event);
        continue;
      }
      if (entry.status === "hit") continue;
      for (let i = 0; i < entry.count; i++) {
        const outcome: CallOutcome = { status: entry.status };
        const why = entry.whys?.[i];
        if (why !== undefined) {
          outcome.reason = why.reason;
          if (why.detail !== undefined) outcome.detail = why.detail;
          const notStored = entry.notStored?.[i];
          outcome.stored = notStored === undefined;
          if (notStored !== undefined) outcome.notStoredReason = notStored;
        }
        found.push(outcome);
      }
    }
    return found;
  }

  #materialise(): CacheEvent[] {
    const events: CacheEvent[] = [];
    for (const owner of this.nodes) {
      for (const entry of this.#logs.get(owner)!.entries) {
        if ("event" in entry) events.push(entry.event);
        else pushEvents(events, owner, entry);
      }
    }
    return events;
  }
}

function pushEvents(events: CacheEvent[], owner: NodeRunStats, run: CallRun): void {
  const { key, first, count, durations, status, whys, notStored, workers } = run;
  for (let i = 0; i < count; i++) {
    const item = first === undefined ? undefined : first + i;
    const stored = status === "miss" ? (notStored?.[i] ?? true) : undefined;
    events.push(callEvent(owner.node, owner.output, typeof key === "string" ? key : key.keyOf(item), item, status, durations[i]!, whys?.[i], stored, workers?.[i]));
  }
}

/** One node's record of its calls, counted in its `NodeRunStats` and in the run's totals. */
export class NodeLog {
  readonly entries: LogEntry[] = [];
  /** The run the next call may extend. */
  #open: CallRun | undefined;

  constructor(
    private readonly run: RunStats,
    private readonly nodeStats: NodeRunStats,
    /** The node's index in the plan. */
    readonly position: number,
  ) {}

  recordHit(key: string | KeySource, item: number | undefined, durationMs: number): void {
    this.run.hits++;
    this.nodeStats.hits++;
    this.#append("hit", key, item, durationMs);
  }

  /** A miss: why, and `true` when its result was stored, else why not; `worker` when it ran elsewhere. */
  recordMiss(key: string | KeySource, item: number | undefined, durationMs: number, why: Explanation, stored: true | string, worker: string | undefined): void {
    const { run, nodeStats } = this;
    run.misses++;
    nodeStats.misses++;
    const into = this.#append("miss", key, item, durationMs);
    const index = into.count - 1;
    (into.whys ??= [])[index] = why;
    if (stored !== true) {
      run.notStored++;
      nodeStats.notStored++;
      (into.notStored ??= [])[index] = stored;
    }
    if (worker !== undefined) (into.workers ??= [])[index] = worker;
  }

  /** A call of an uncached node. */
  recordNoCache(key: string | KeySource, item: number | undefined, durationMs: number, worker: string | undefined): void {
    this.run.noCache++;
    this.nodeStats.noCache++;
    const into = this.#append("no-cache", key, item, durationMs);
    if (worker !== undefined) (into.workers ??= [])[into.count - 1] = worker;
  }

  /** Adds one whole event: a dry run's call that would run (a miss or an uncached call). */
  record(event: CacheEvent): void {
    this.entries.push({ event });
    this.#open = undefined;
    this.run.changed();
    const { run, nodeStats } = this;
    if (event.status === "miss") {
      run.misses++;
      nodeStats.misses++;
    } else {
      run.noCache++;
      nodeStats.noCache++;
    }
  }

  /** The run the call goes in (the open one when it continues it, else a new one), its duration added. */
  #append(status: CacheStatus, key: string | KeySource, item: number | undefined, durationMs: number): CallRun {
    this.run.changed();
    const open = this.#open;
    if (open !== undefined && open.status === status && open.key === key && item !== undefined && item === open.first! + open.count) {
      if (open.count === open.durations.length) {
        const grown = new Float64Array(open.count * 2);
        grown.set(open.durations);
        open.durations = grown;
      }
      open.durations[open.count++] = durationMs;
      return open;
    }
    const run: CallRun = { status, key, first: item, count: 1, durations: new Float64Array(item === undefined ? 1 : 16), whys: undefined, notStored: undefined, workers: undefined };
    run.durations[0] = durationMs;
    this.entries.push(run);
    this.#open = item === undefined ? undefined : run;
    return run;
  }
}
