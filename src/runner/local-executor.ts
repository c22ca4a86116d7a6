/**
 * The `local` executor: calls the function in this process, one call per chunk, so each call runs
 * as soon as its lookup misses and a synchronous function never waits for a microtask.
 */
import { isPromiseLike } from "../maybe-promise.js";
import type { Executor, Outcome } from "./executor.js";
import { invoke } from "./invoke.js";

export const localExecutor: Executor = {
  chunkSize: () => 1,
  execute(node, calls) {
    const outcomes = calls.map((call) => invoke(node, call));
    return outcomes.some(isPromiseLike) ? Promise.all(outcomes) : (outcomes as Outcome[]);
  },
  executeOne: invoke,
};
