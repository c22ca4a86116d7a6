/**
 * Calling the user's function: with the call's inputs, timed, its errors wrapped so they name the
 * node (and the item). Whatever runs functions (in this process or in a worker) calls it.
 */
import { NodeError } from "../errors.js";
import type { MaybePromise } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";
import { isPromiseLike } from "../maybe-promise.js";
import type { Invocation, Outcome } from "./executor.js";

export function invoke(node: PipelineNode, call: Invocation): MaybePromise<Outcome> {
  const started = performance.now();
  let value: unknown;
  try {
    value = node.fn(call.args);
  } catch (error) {
    throw failure(node, call, error);
  }
  // A synchronous function costs no closure; only a promise needs callbacks.
  if (!isPromiseLike(value)) return { value, durationMs: performance.now() - started };
  return Promise.resolve(value).then(
    (resolved) => ({ value: resolved, durationMs: performance.now() - started }),
    (error: unknown) => {
      throw failure(node, call, error);
    },
  );
}

function failure(node: PipelineNode, call: Invocation, error: unknown): NodeError {
  const where = call.item === undefined ? "" : ` on item ${call.item} (${call.key})`;
  const message = error instanceof Error ? error.message : String(error);
  return new NodeError(`Node "${node.name}" (output "${node.output}") failed${where}: ${message}`, node.name, node.output, call.item, { cause: error });
}
