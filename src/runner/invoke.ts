/**
 * Calling the user's function: with the call's inputs, timed, its errors wrapped so they name
 * the node (and the item), its result hashed for the cache and for downstream nodes.
 */
import { NodeError } from "../errors.js";
import { hashValue } from "../hashing/hash-value.js";
import type { MaybePromise } from "../cache/types.js";
import { andThen, andThenCatch } from "../maybe-promise.js";
import { argumentsFor, now, type Call, type CallResult } from "./call.js";

export interface Computed extends CallResult {
  durationMs?: number;
  /** Why the result could not be hashed (it is then not stored). */
  hashError?: string;
}

export function invoke(call: Call): MaybePromise<{ value: unknown; durationMs: number }> {
  const args = argumentsFor(call);
  const { node } = call.shape.step;
  const started = now();
  const wrap = (error: unknown): never => {
    const where = call.index === undefined ? "" : ` on item ${call.index} (${call.nodeName})`;
    const message = error instanceof Error ? error.message : String(error);
    throw new NodeError(`Node "${node.name}" (output "${node.output}") failed${where}: ${message}`, node.name, node.output, call.index, {
      cause: error,
    });
  };
  return andThenCatch(
    () => node.fn(args),
    (value) => ({ value, durationMs: now() - started }),
    wrap,
  );
}

/** Invokes the function and hashes what it returns. */
export function invokeAndHash(call: Call): MaybePromise<Computed> {
  return andThen(invoke(call), ({ value, durationMs }) => ({ ...hashedResult(value), durationMs }));
}

export function hashOutput(value: unknown): { hash: string | undefined; error?: string } {
  try {
    return { hash: hashValue(value) };
  } catch (error) {
    return { hash: undefined, error: (error as Error).message };
  }
}

function hashedResult(value: unknown): Computed {
  const { hash, error } = hashOutput(value);
  return error === undefined ? { value, outputHash: hash } : { value, outputHash: undefined, hashError: error };
}
