/**
 * Bounded concurrency for a run: a `Limiter` holds the run's `concurrency` slots, shared by every
 * node, and `runPool` runs one node's tasks in index order through it. A task holds a slot while
 * it is pending; one that completes synchronously gives it back at once and costs no promise, so
 * an all-hit mapped node over a synchronous backend runs as a plain loop. The first failure stops
 * new tasks of that pool from starting; those in flight settle before it is rethrown.
 */
import type { MaybePromise } from "../cache/types.js";
import { isPromiseLike } from "../maybe-promise.js";

export class Limiter {
  private used = 0;
  /** Pools waiting for a slot, first come first served. */
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Takes a slot: `true` when one was free, else a promise resolved when one is handed over. */
  acquire(): true | Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return true;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives a slot back, straight to the first waiting pool if there is one. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

export function runPool(count: number, limiter: Limiter, task: (index: number) => MaybePromise<void>): MaybePromise<void> {
  for (let index = 0; index < count; index++) {
    const slot = limiter.acquire();
    if (slot !== true) return continueAsync(undefined, slot, index, count, limiter, task);
    let result: MaybePromise<void>;
    try {
      result = task(index);
    } catch (error) {
      limiter.release();
      throw error; // a synchronous throw propagates as is
    }
    if (isPromiseLike(result)) return continueAsync(result, undefined, index + 1, count, limiter, task);
    limiter.release();
  }
}

/** The pool once a task went asynchronous (`first`, holding a slot) or a slot must be waited for. */
async function continueAsync(
  first: PromiseLike<void> | undefined,
  slot: Promise<void> | undefined,
  start: number,
  count: number,
  limiter: Limiter,
  task: (index: number) => MaybePromise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const track = (pending: PromiseLike<void>) => {
    const settled: Promise<void> = Promise.resolve(pending).then(
      () => {
        inFlight.delete(settled);
        limiter.release();
      },
      (error: unknown) => {
        inFlight.delete(settled);
        limiter.release();
        failure ??= { error };
      },
    );
    inFlight.add(settled);
  };
  if (first) track(first);
  for (let index = start; index < count && !failure; index++) {
    if (slot) await slot;
    else {
      const taken = limiter.acquire();
      if (taken !== true) await taken;
    }
    slot = undefined;
    if (failure) {
      limiter.release();
      break;
    }
    try {
      const result = task(index);
      if (isPromiseLike(result)) track(result);
      else limiter.release();
    } catch (error) {
      limiter.release();
      failure ??= { error };
    }
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
}
