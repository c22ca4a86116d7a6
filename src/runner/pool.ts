/**
 * Runs `count` tasks in index order with at most `limit` asynchronous ones in flight. A task
 * that completes synchronously costs no promise at all, so an all-hit mapped node over a
 * synchronous backend runs as a plain loop. The first failure stops new tasks from starting;
 * tasks already in flight are allowed to settle before it is rethrown.
 */
import type { MaybePromise } from "../cache/types.js";
import { isPromiseLike } from "../maybe-promise.js";

export function runPool(count: number, limit: number, task: (index: number) => MaybePromise<void>): MaybePromise<void> {
  let index = 0;
  for (; index < count; index++) {
    const result = task(index); // a synchronous throw propagates as is
    if (isPromiseLike(result)) return continueAsync(result, index + 1, count, limit, task);
  }
}

async function continueAsync(
  first: PromiseLike<void>,
  start: number,
  count: number,
  limit: number,
  task: (index: number) => MaybePromise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const track = (pending: PromiseLike<void>) => {
    const settled: Promise<void> = Promise.resolve(pending).then(
      () => void inFlight.delete(settled),
      (error: unknown) => {
        inFlight.delete(settled);
        failure ??= { error };
      },
    );
    inFlight.add(settled);
  };
  track(first);
  for (let index = start; index < count && !failure; index++) {
    while (inFlight.size >= limit && !failure) await Promise.race(inFlight);
    if (failure) break;
    try {
      const result = task(index);
      if (isPromiseLike(result)) track(result);
    } catch (error) {
      failure ??= { error };
    }
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
}
