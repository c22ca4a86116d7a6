/**
 * Storing a miss's result: the value with its output hash (what downstream nodes read instead of
 * hashing it again) under the key of its signature, then the signature under the call's cache key
 * to explain later misses; the items of a mapped node in batches when the backend has `setMany`.
 * Never throws: a result that cannot be stored is still the run's result, and the miss says why
 * it was not stored.
 */
import type { BlobWrite, CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";
import { hashValue } from "../hashing/hash-value.js";
import { andThenCatch, isPromiseLike } from "../maybe-promise.js";
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

/** Resolves to `true` when stored, else to why not. No closure on a synchronous backend. */
export function storeResult(run: RunContext, node: PipelineNode, key: string, entry: CacheEntry, signature: NodeSignature): MaybePromise<true | string> {
  let stored: MaybePromise<void>;
  try {
    stored = run.config.backend.setBlob(key, entry);
  } catch (error) {
    return message(error);
  }
  if (!isPromiseLike(stored)) return recordSignature(run, node, signature);
  return Promise.resolve(stored).then(
    () => recordSignature(run, node, signature),
    (error: unknown) => message(error),
  );
}

/** One result to store in a batch, with the signature to record once it is. */
export interface ResultWrite extends BlobWrite {
  signature: NodeSignature;
}

/**
 * Stores results with the backend's `setMany` (one transaction or round trip for all), then
 * records the signature of each one stored. Resolves to one outcome per write, in order: `true`
 * when stored, else why not. Never throws.
 */
export function storeResults(run: RunContext, node: PipelineNode, writes: readonly ResultWrite[]): MaybePromise<(true | string)[]> {
  const backend = run.config.backend;
  const allFailed = (error: unknown) => writes.map(() => message(error));
  return andThenCatch(
    () => backend.setMany!(writes),
    (errors) => {
      if (errors !== undefined && (!Array.isArray(errors) || errors.length !== writes.length)) {
        return allFailed(new Error(`the backend's setMany returned ${Array.isArray(errors) ? `${errors.length} results for ${writes.length} entries` : typeof errors}`));
      }
      const outcomes = new Array<true | string>(writes.length);
      let pending: PromiseLike<unknown>[] | undefined;
      for (let i = 0; i < writes.length; i++) {
        const error: unknown = errors?.[i];
        if (error !== undefined && error !== null) {
          outcomes[i] = message(error);
          continue;
        }
        const recorded = recordSignature(run, node, writes[i]!.signature);
        if (isPromiseLike(recorded)) (pending ??= []).push(recorded);
        outcomes[i] = true;
      }
      return pending ? Promise.all(pending).then(() => outcomes) : outcomes;
    },
    allFailed,
  );
}

/** Records the signature of a stored result (to explain later misses); never fails the call. */
export function recordSignature(run: RunContext, node: PipelineNode, signature: NodeSignature): MaybePromise<true> {
  let recorded: MaybePromise<void>;
  try {
    recorded = run.config.backend.setMeta(signature);
  } catch (error) {
    return signatureNotRecorded(run, node, error);
  }
  if (!isPromiseLike(recorded)) return true;
  return Promise.resolve(recorded).then(
    () => true as const,
    (error: unknown) => signatureNotRecorded(run, node, error),
  );
}

/** The value is stored; only the explanation data is missing. Still a stored result. */
function signatureNotRecorded(run: RunContext, node: PipelineNode, error: unknown): true {
  run.warn(`node "${node.name}": could not record its signature: ${message(error)}`);
  return true;
}
