/**
 * Reading the cache for a node's calls: the stored entry of a call's signature (`getBlob`), the
 * entries of all items of a mapped node at once (`getMany`, when the backend has it), and, for a
 * miss, why it missed (the latest signature stored under its cache key, `getMeta`). A backend
 * that throws or rejects is reported once and read as a miss: the node is computed instead. So
 * is an entry that fails its check (entry-check.ts); a signature that fails is ignored.
 */
import type { CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";
import { andThenCatch, isPromiseLike } from "../maybe-promise.js";
import type { RunContext } from "./context.js";
import { entryProblem, isSignature, wholeEntryProblem } from "./entry-check.js";
import { explainMiss, NEW, type MissExplanation } from "./reasons.js";

export type Found = CacheEntry | undefined;

const message = (error: unknown) => (error as Error)?.message ?? String(error);

function lookupFailed(run: RunContext, node: PipelineNode, error: unknown): undefined {
  run.warn(`node "${node.name}": cache lookup failed, computing instead: ${message(error)}`);
  return undefined;
}

/** A found entry if it passes its check; else a miss, reported once per node and problem. */
export function checked(run: RunContext, node: PipelineNode, found: unknown): Found {
  if (found === undefined || found === null) return undefined;
  const problem = entryProblem(found);
  return problem === undefined ? (found as CacheEntry) : malformed(run, node, problem);
}

/** Reports an entry that failed its check (once per node and problem); it reads as a miss. */
export function malformed(run: RunContext, node: PipelineNode, problem: string): undefined {
  run.warn(`node "${node.name}": the cache backend returned a malformed entry (${problem}); computing instead, and storing the new result over it`);
  return undefined;
}

/** A mapped node's whole entry (`perItemCaching: false`) if it fits its `items`, else a miss (reported once). */
export function checkedWhole(run: RunContext, node: PipelineNode, entry: CacheEntry, items: number): CacheEntry | undefined {
  const problem = wholeEntryProblem(entry, items);
  return problem === undefined ? entry : malformed(run, node, problem);
}

/** The entry stored under `key`. On a synchronous backend a hit allocates no closure and no promise. */
export function lookUp(run: RunContext, node: PipelineNode, key: string): MaybePromise<Found> {
  let found: MaybePromise<Found>;
  try {
    found = run.config.backend.getBlob(key);
  } catch (error) {
    return lookupFailed(run, node, error);
  }
  if (!isPromiseLike(found)) return checked(run, node, found);
  return Promise.resolve(found).then(
    (entry) => checked(run, node, entry),
    (error: unknown) => lookupFailed(run, node, error),
  );
}

/** The entries stored under `keys`, in one `getMany`; undefined when the backend has none. */
export function lookUpMany(run: RunContext, node: PipelineNode, keys: readonly string[]): MaybePromise<Found[]> | undefined {
  const backend = run.config.backend;
  if (typeof backend.getMany !== "function") return undefined;
  const allMissed = (error: unknown): Found[] => {
    lookupFailed(run, node, error);
    return new Array<Found>(keys.length);
  };
  return andThenCatch(
    () => backend.getMany!(keys),
    (entries) =>
      Array.isArray(entries) && entries.length === keys.length
        ? entries.map((entry: unknown) => checked(run, node, entry))
        : allMissed(new Error(`getMany returned ${Array.isArray(entries) ? `${entries.length} entries for ${keys.length} keys` : typeof entries}`)),
    allMissed,
  );
}

/** Why a call missed: its signature against the latest one stored under its cache key. No closure on a synchronous backend. */
export function whyMissed(run: RunContext, signature: NodeSignature): MaybePromise<MissExplanation> {
  let previous: MaybePromise<NodeSignature | undefined>;
  try {
    previous = run.config.backend.getMeta(signature.nodeName);
  } catch {
    return NEW;
  }
  if (!isPromiseLike(previous)) return explainMiss(isSignature(previous) ? previous : undefined, signature);
  return Promise.resolve(previous).then(
    (found) => explainMiss(isSignature(found) ? found : undefined, signature),
    () => NEW,
  );
}
