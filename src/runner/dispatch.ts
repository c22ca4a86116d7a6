/**
 * Hands the calls of one node that must run to the executor, in chunks of the executor's size.
 * A call joins the open chunk as soon as it is known to need running (its lookup missed, or the
 * node is not cached); the chunk goes when full, or when the last of the node's calls has been
 * decided, so no call waits for calls that will never come. The local executor's chunks hold one
 * call: each runs the moment its lookup misses, as a plain function call when it is synchronous.
 */
import type { MaybePromise } from "../cache/types.js";
import type { PipelineNode } from "../graph.js";
import { isPromiseLike } from "../maybe-promise.js";
import type { Executor, Invocation, Outcome } from "./executor.js";

export class Dispatch<C extends Invocation> {
  private chunk: C[] = [];
  /** Calls not yet known to run or not. */
  private undecided: number;
  private readonly size: number;

  constructor(
    private readonly executor: Executor,
    private readonly node: PipelineNode,
    calls: number,
    /** What to do with each outcome: store it, record it. */
    private readonly settle: (call: C, outcome: Outcome) => MaybePromise<void>,
    /** Told of a chunk that failed (a call threw), as it happens; the error then propagates. */
    private readonly failed?: (error: unknown) => void,
  ) {
    this.undecided = calls;
    this.size = Math.max(1, executor.chunkSize(node, calls));
  }

  /** A call that must run. Resolves once its chunk ran and was settled, when this call sent it. */
  run(call: C): MaybePromise<void> {
    this.undecided--;
    if (this.size === 1 && this.executor.executeOne) return this.sendOne(call);
    this.chunk.push(call);
    return this.chunk.length >= this.size || this.undecided === 0 ? this.send() : undefined;
  }

  /** A call answered without running (a hit). */
  skip(): MaybePromise<void> {
    this.undecided--;
    return this.undecided === 0 && this.chunk.length > 0 ? this.send() : undefined;
  }

  /** Synchronous all the way when the executor and `settle` are: no closure, no promise. */
  private send(): MaybePromise<void> {
    const chunk = this.chunk;
    this.chunk = [];
    let outcomes: MaybePromise<Outcome[]>;
    try {
      outcomes = this.executor.execute(this.node, chunk);
    } catch (error) {
      this.failed?.(error);
      throw error;
    }
    if (!isPromiseLike(outcomes)) return this.settleAll(chunk, outcomes);
    return Promise.resolve(outcomes).then(
      (resolved) => this.settleAll(chunk, resolved),
      (error: unknown) => {
        this.failed?.(error);
        throw error;
      },
    );
  }

  /** A chunk of one call, on an executor that runs one without arrays. */
  private sendOne(call: C): MaybePromise<void> {
    let outcome: MaybePromise<Outcome>;
    try {
      outcome = this.executor.executeOne!(this.node, call);
    } catch (error) {
      this.failed?.(error);
      throw error;
    }
    if (!isPromiseLike(outcome)) return this.settle(call, outcome);
    return Promise.resolve(outcome).then(
      (resolved) => this.settle(call, resolved),
      (error: unknown) => {
        this.failed?.(error);
        throw error;
      },
    );
  }

  private settleAll(chunk: C[], outcomes: Outcome[]): MaybePromise<void> {
    let pending: PromiseLike<void>[] | undefined;
    for (let i = 0; i < chunk.length; i++) {
      const settled = this.settle(chunk[i]!, outcomes[i]!);
      if (isPromiseLike(settled)) (pending ??= []).push(settled);
    }
    return pending && Promise.all(pending).then(() => undefined);
  }
}
