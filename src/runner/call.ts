/**
 * One call of a node's function — the node itself, or one item of a mapped node — and what
 * every step of running it shares: where its inputs come from, how they are hashed, and how
 * the outcome is recorded.
 */
import type { CacheConfig } from "../cache/config.js";
import { logCacheEvent } from "../debug/describe.js";
import { debugRunner } from "../debug/index.js";
import { InputHashError } from "../errors.js";
import type { PlannedNode } from "../plan.js";
import { safely, type RunObserver } from "./observer.js";
import type { Slot } from "./slots.js";
import type { CacheEvent, NodeRunStats, RunStats } from "./stats.js";

export interface RunContext {
  config: CacheConfig;
  slots: Map<string, Slot>;
  /** See `RunPlan.itemHashReaders`. */
  itemHashReaders: ReadonlyMap<string, number>;
  stats: RunStats;
  concurrency: number;
  observer: RunObserver | undefined;
  /** Reports a backend problem (lookup or store failure) once per node. */
  warn(message: string): void;
}

/** Where a node's inputs come from and how each is hashed, fixed once per node per run. */
export interface CallShape {
  step: PlannedNode;
  /** Sources with their slots, sorted by input name so the inputs hash ignores pattern order. */
  sources: { name: string; slot: Slot | undefined; alongAxis: boolean }[];
  axis: Slot | undefined;
  /** The cache key of item `index` (`output::itemKey`), or of the node (`output`). */
  keyOf(index: number | undefined): string;
}

export interface Call {
  shape: CallShape;
  /** The item's index for a mapped node; undefined for a node that runs once. */
  index: number | undefined;
  /** The cache key: `output`, or `output::itemKey`. */
  nodeName: string;
  context: RunContext;
  /** Where the call's event is counted; undefined for an item of a node cached as a whole. */
  nodeStats: NodeRunStats | undefined;
}

export interface CallResult {
  value: unknown;
  outputHash: string | undefined;
  itemHashes?: (string | undefined)[] | undefined;
}

export const now = () => performance.now();

/** The object the function receives (built only when it runs: a hit never needs it). */
export function argumentsFor(call: Call): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const source of call.shape.sources) {
    if (!source.slot) continue; // not given: the function's own default applies
    args[source.name] = source.alongAxis ? (source.slot.value as unknown[])[call.index!] : source.slot.value;
  }
  return args;
}

/**
 * The hash of each input, in `shape.sources` order (sorted by name), joined by NUL: the text the
 * blob key and `inputsHash` are computed from. Built without an array, since a hit needs only
 * this text; a miss splits it back into the per-input hashes (no hash contains a NUL).
 */
export function inputsTextFor(call: Call): string {
  const { sources } = call.shape;
  let text = "";
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i]!;
    const hash = source.slot ? inputHash(call, source.name, source.slot, source.alongAxis) : "default";
    text = i === 0 ? hash : `${text}\u0000${hash}`;
  }
  return text;
}

function inputHash(call: Call, name: string, slot: Slot, alongAxis: boolean): string {
  try {
    return alongAxis ? slot.itemHash(call.index!) : slot.hash();
  } catch (error) {
    const { node } = call.shape.step;
    const item = call.index === undefined ? "" : ` (item ${call.index})`;
    throw new InputHashError(`node "${node.name}" (output "${node.output}"), input "${name}"${item}: ${(error as Error).message}`, node.name, name, {
      cause: error,
    });
  }
}

export function eventFor(call: Call, status: CacheEvent["status"], durationMs: number): CacheEvent {
  const { node } = call.shape.step;
  return call.index === undefined
    ? { node: node.name, output: node.output, key: call.nodeName, status, durationMs }
    : { node: node.name, output: node.output, key: call.nodeName, item: call.index, status, durationMs };
}

/** Records a hit: the hot path, so no event object unless debug logging wants one. */
export function recordHit(call: Call, durationMs: number): void {
  if (!call.nodeStats) return;
  // The key is logged as how to derive it, not as the string: keeping 100k key strings alive
  // through a run costs the garbage collector more than deriving them again if `events` is read.
  call.context.stats.recordHit(call.nodeStats, call.shape, call.index, durationMs);
  if (debugRunner.enabled) logCacheEvent(eventFor(call, "hit", durationMs));
  if (call.context.observer?.itemFinished) safely(call.context.observer, "itemFinished", call.shape.step.node, "hit");
}

export function record(call: Call, event: CacheEvent): void {
  if (!call.nodeStats) return;
  call.context.stats.record(call.nodeStats, event);
  if (debugRunner.enabled) logCacheEvent(event);
  // Checked here, not only inside `safely`: its rest parameters would allocate on every call.
  if (call.context.observer?.itemFinished) safely(call.context.observer, "itemFinished", call.shape.step.node, event.status);
}
