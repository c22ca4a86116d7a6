/**
 * Helpers for values that may or may not be promises. Synchronous backends and functions stay
 * synchronous end to end, so a cache hit costs no microtask hop; only real promises are awaited.
 */
import type { MaybePromise } from "./cache/types.js";

export function isPromiseLike<T>(value: MaybePromise<T> | unknown): value is PromiseLike<T> {
  return typeof value === "object" && value !== null && typeof (value as PromiseLike<T>).then === "function";
}

/** `then` that runs synchronously when `value` is not a promise. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}

/** Like `andThen`, with an error handler for both a thrown error and a rejected promise. */
export function andThenCatch<T, U>(
  run: () => MaybePromise<T>,
  next: (value: T) => MaybePromise<U>,
  onError: (error: unknown) => MaybePromise<U>,
): MaybePromise<U> {
  let value: MaybePromise<T>;
  try {
    value = run();
  } catch (error) {
    return onError(error);
  }
  if (isPromiseLike(value)) return Promise.resolve(value).then(next, onError);
  return next(value);
}
