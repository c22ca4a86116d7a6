/**
 * When each node of a plan runs: one after another, in plan order (dependencies first,
 * independent nodes in registration order). A node that finishes synchronously lets the next
 * start without a microtask hop. The first failure ends the run.
 */
import type { MaybePromise } from "../cache/types.js";
import { isPromiseLike } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";

export function schedule(steps: readonly PlannedNode[], runStep: (step: PlannedNode) => MaybePromise<void>, from = 0): MaybePromise<void> {
  for (let index = from; index < steps.length; index++) {
    const pending = runStep(steps[index]!);
    if (isPromiseLike(pending)) return Promise.resolve(pending).then(() => schedule(steps, runStep, index + 1));
  }
}
