/**
 * Calling the user's function: with the call's inputs, timed, its errors wrapped so they name the
 * node (and the item). Whatever runs functions (in this process or in a worker) calls it.
 */
import { NodeError } from "../errors.js";
import type { MaybePromise } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";
import { andThenCatch } from "../maybe-promise.js";
import type { Invocation, Outcome } from "./executor.js";

export function invoke(node: PipelineNode, call: Invocation): MaybePromise<Outcome> {
  const started = performance.now();
  return andThenCatch(
    () => node.fn(call.args),
    (value) => ({ value, durationMs: performance.now() - started }),
    (error) => {
      const where = call.item === undefined ? "" : ` on item ${call.item} (${call.key})`;
      const message = error instanceof Error ? error.message : String(error);
      throw new NodeError(`Node "${node.name}" (output "${node.output}") failed${where}: ${message}`, node.name, node.output, call.item, {
        cause: error,
      });
    },
  );
}
