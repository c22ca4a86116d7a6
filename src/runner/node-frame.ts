/**
 * What every run of a node does around its calls, real or dry: the report of its start, its
 * output slot once the calls have settled (and whether later readers need its item hashes),
 * the report of its end or of its failure.
 */
import type { MaybePromise } from "../cache/types.js";
import { andThenCatch } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";
import type { RunContext } from "./context.js";
import { NodeCalls } from "./node-calls.js";
import { NodeReport } from "./node-report.js";
import type { Slot } from "./slots.js";

/** `position`: the node's index in the plan; `callsOf` makes the node's output from its calls. */
export function inNodeFrame(
  step: PlannedNode,
  position: number,
  run: RunContext,
  callsOf: (calls: NodeCalls, report: NodeReport, run: RunContext) => MaybePromise<Slot>,
): MaybePromise<void> {
  const calls = new NodeCalls(step, run.slots);
  const report = new NodeReport(calls, run);
  const { output } = calls.node;
  report.started(position);
  return andThenCatch(
    () => callsOf(calls, report, run),
    (slot) => {
      slot.retainItemHashes = (run.itemHashReaders.get(output) ?? 0) > 1;
      run.slots.set(output, slot);
      report.finished();
    },
    (error) => {
      report.failed(error);
      throw error;
    },
  );
}
