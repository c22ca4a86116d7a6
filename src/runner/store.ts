/**
 * Storing a miss's result: the value with its output hash (what downstream nodes read instead of
 * hashing it again) under the key of its signature, then the signature under the call's cache key
 * to explain later misses. Never throws: a result that cannot be stored is still the run's
 * result, and the miss says why it was not stored.
 */
import type { CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";
import { hashValue } from "../hashing/hash-value.js";
import { andThenCatch } from "../maybe-promise.js";
import type { RunContext } from "./context.js";

const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** The canonical hash of a result, or why it has none (it is then not stored). */
export function hashOutput(value: unknown): { hash: string; error?: undefined } | { hash: undefined; error: string } {
  try {
    return { hash: hashValue(value) };
  } catch (error) {
    return { hash: undefined, error: message(error) };
  }
}

/** Resolves to `true` when stored, else to why not. */
export function storeResult(run: RunContext, node: PipelineNode, key: string, entry: CacheEntry, signature: NodeSignature): MaybePromise<true | string> {
  const backend = run.config.backend;
  return andThenCatch<void, true | string>(
    () => backend.setBlob(key, entry),
    () => recordSignature(run, node, signature),
    (error) => message(error),
  );
}

/** Records the signature of a stored result (to explain later misses); never fails the call. */
export function recordSignature(run: RunContext, node: PipelineNode, signature: NodeSignature): MaybePromise<true> {
  return andThenCatch(
    () => run.config.backend.setMeta(signature),
    () => true as const,
    // The value is stored; only the explanation data is missing. Still a stored result.
    (error) => {
      run.warn(`node "${node.name}": could not record its signature: ${message(error)}`);
      return true as const;
    },
  );
}
