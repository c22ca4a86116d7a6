/**
 * When each node of a plan runs: every node whose inputs are ready starts at once, so independent
 * asynchronous nodes overlap (their calls bounded by the run's `concurrency`, see pool.ts). When
 * several are ready they start in plan order, and a node that finishes synchronously lets the
 * next start without a microtask hop: a synchronous pipeline runs as a plain loop.
 *
 * After a failure no node starts; the ones already running settle, then the run fails with the
 * error of the failing node first in plan order, so the error does not depend on timing.
 */
import type { MaybePromise } from "../cache/types.js";
import { isPromiseLike } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";

/** Runs one step; `position` is its index in the plan. */
export type StepRunner = (step: PlannedNode, position: number) => MaybePromise<void>;

export function schedule(steps: readonly PlannedNode[], runStep: StepRunner): MaybePromise<void> {
  return new Schedule(steps, runStep).start();
}

class Schedule {
  /** Per step: how many of its dependencies have not finished. */
  private readonly waitingFor: number[];
  /** Per step: the positions of the steps that depend on it. */
  private readonly dependents: number[][];
  private readonly started: boolean[];
  private running = 0;
  private failure: { position: number; error: unknown } | undefined;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(
    private readonly steps: readonly PlannedNode[],
    private readonly runStep: StepRunner,
  ) {
    const position = new Map(steps.map((step, index) => [step, index]));
    this.waitingFor = steps.map((step) => step.dependsOn.length);
    this.dependents = steps.map(() => []);
    steps.forEach((step, index) => {
      for (const dependency of step.dependsOn) this.dependents[position.get(dependency)!]!.push(index);
    });
    this.started = steps.map(() => false);
  }

  start(): MaybePromise<void> {
    this.startReady();
    if (this.running === 0) {
      if (this.failure) throw this.failure.error;
      return;
    }
    return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  /**
   * Starts every ready step, in plan order. Plan order puts dependencies first, so a step that
   * finishes synchronously makes its dependents ready before this loop reaches them.
   */
  private startReady(): void {
    for (let position = 0; position < this.steps.length && !this.failure; position++) {
      if (this.started[position] || this.waitingFor[position]! > 0) continue;
      this.started[position] = true;
      let pending: MaybePromise<void>;
      try {
        pending = this.runStep(this.steps[position]!, position);
      } catch (error) {
        this.failed(position, error);
        continue;
      }
      if (!isPromiseLike(pending)) {
        this.finished(position);
        continue;
      }
      this.running++;
      Promise.resolve(pending).then(
        () => {
          this.running--;
          this.finished(position);
          this.startReady();
          this.settleIfIdle();
        },
        (error: unknown) => {
          this.running--;
          this.failed(position, error);
          this.settleIfIdle();
        },
      );
    }
  }

  private finished(position: number): void {
    for (const dependent of this.dependents[position]!) this.waitingFor[dependent]!--;
  }

  private failed(position: number, error: unknown): void {
    if (!this.failure || position < this.failure.position) this.failure = { position, error };
  }

  private settleIfIdle(): void {
    if (this.running > 0) return;
    if (this.failure) this.settle!.reject(this.failure.error);
    else this.settle!.resolve();
  }
}
