/**
 * The seam between the runner and wherever functions run. The runner decides what must run:
 * lookups, hits, stores and records stay with it, so a hit never leaves the runner. An executor
 * only runs a node's function for a chunk of calls whose lookups missed (or that are not
 * cached) and gives back what each returned and how long it took. `local` runs them in this
 * process; a thread pool or a job queue runs them elsewhere behind the same interface.
 */
import type { MaybePromise } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";

/** One call to run. */
export interface Invocation {
  /** The item's index for a mapped node; undefined for a node that runs once. */
  readonly item: number | undefined;
  /** The call's cache key (`output::itemKey`), or the node's output: names the call in errors. */
  readonly key: string;
  /** The function's one argument: its inputs by name (an input left out takes its default). */
  readonly args: Record<string, unknown>;
  /** For a cached call: the key its result is stored under (an executor may store it where it ran). */
  readonly blobKey?: string;
}

/** What one call returned. */
export interface Outcome {
  value: unknown;
  /** How long the function took, measured where it ran. */
  durationMs: number;
  /** Who ran it (a worker thread, a `daft worker`); shown in the call's event. Undefined in this process. */
  worker?: string;
  /**
   * Set when the executor already stored the result under the call's `blobKey` (workers write
   * to the shared cache): its output hash. The runner then records only the signature.
   */
  storedAs?: { outputHash: string };
}

export interface Executor {
  /** How many calls of `node` to hand over at once, given how many calls the node has. */
  chunkSize(node: PipelineNode, calls: number): number;
  /**
   * Runs `node`'s function once per call and gives one outcome per call, in the same order. A
   * call that throws fails the chunk with a `NodeError` naming the node and the item (see
   * `invoke.ts`). Returns synchronously when every call did: no microtask hop for sync code.
   */
  execute(node: PipelineNode, calls: readonly Invocation[]): MaybePromise<Outcome[]>;
  /**
   * Optional, for an executor whose chunks hold one call: runs that call, as `execute` would,
   * without the two arrays around it (a call of a mapped node over many small items is cheap
   * enough for them to show).
   */
  executeOne?(node: PipelineNode, call: Invocation): MaybePromise<Outcome>;
  /** Releases what the executor holds (threads, connections). */
  close?(): Promise<void>;
}
