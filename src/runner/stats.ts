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
  events: CacheEvent[];
}

export function emptyStats(): CacheStats {
  return { hits: 0, misses: 0, noCache: 0, notStored: 0, durationMs: 0, nodes: [], events: [] };
}

export function newNodeStats(node: string, output: string, mapped: boolean, items: number): NodeRunStats {
  return { node, output, mapped, items, hits: 0, misses: 0, noCache: 0, notStored: 0, durationMs: 0 };
}

/** Adds one event to the run's and the node's counters. */
export function recordEvent(stats: CacheStats, nodeStats: NodeRunStats, event: CacheEvent): void {
  stats.events.push(event);
  if (event.status === "hit") {
    stats.hits++;
    nodeStats.hits++;
  } else if (event.status === "miss") {
    stats.misses++;
    nodeStats.misses++;
  } else {
    stats.noCache++;
    nodeStats.noCache++;
  }
  if (event.stored === false) {
    stats.notStored++;
    nodeStats.notStored++;
  }
}
