/**
 * What both progress displays share: the run's state, the delay before anything is shown, the
 * pace of updates, and failure handling.
 *
 * Updates come from two sides: timers, for runs that wait (async work: the clock and spinner
 * keep moving while nothing finishes), and the runner's own calls, for runs that never yield
 * (synchronous work blocks timers, but each finished item still checks the clock). Either way
 * the display shows only once the run has lasted `showAfterMs`, and changes at most every
 * `refreshMs`.
 *
 * A display never fails a run: whatever throws (a closed stream, a terminal library error)
 * turns the display off, is reported once as a warning, and the run goes on. Timers are
 * unref'd, so they never keep a process alive, and are cleared when the run ends, whether it
 * succeeded or threw.
 */
import type { PipelineNode } from "../pipeline.js";
import type { RunObserver } from "../runner/observer.js";
import type { CacheStats, CacheStatus, NodeRunStats } from "../runner/stats.js";
import type { ProgressSettings } from "./settings.js";
import { RunProgress, type ProgressRow } from "./state.js";

export const now = () => performance.now();

interface ErrorSource {
  on(event: "error", listener: (error: unknown) => void): unknown;
  off(event: "error", listener: (error: unknown) => void): unknown;
}

export abstract class ProgressDisplay implements RunObserver {
  protected progress: RunProgress | undefined;
  /** The run has lasted `showAfterMs`: from now on the display shows. */
  protected due = false;
  /** When the display last changed; updates wait until `refreshMs` after it. */
  protected lastUpdate = 0;
  /** The run ended (or the display failed): no more timers. */
  private ended = false;
  /** Something threw: the display is off for the rest of the run. */
  private failed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onStreamError = (error: unknown) => this.fail(error);

  constructor(protected readonly settings: ProgressSettings) {}

  runStarted(nodes: readonly PipelineNode[]): void {
    this.guard(() => {
      this.progress = new RunProgress(nodes, now());
      this.errorSource()?.on("error", this.onStreamError);
      this.after(this.settings.showAfterMs, () => this.pulse());
    });
  }

  nodeStarted(node: PipelineNode, items: number | undefined): void {
    if (this.failed || !this.progress) return;
    try {
      this.progress.nodeStarted(node, items, now());
      this.pulse();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Called once per item: kept free of allocations. */
  itemFinished(node: PipelineNode, status: CacheStatus): void {
    if (this.failed || !this.progress) return;
    try {
      this.progress.itemFinished(node, status);
      this.pulse();
    } catch (error) {
      this.fail(error);
    }
  }

  nodeFinished(node: PipelineNode, stats: NodeRunStats): void {
    if (this.failed || !this.progress) return;
    try {
      const row = this.progress.nodeFinished(node, stats);
      this.pulse();
      if (row) this.rowFinished(row);
    } catch (error) {
      this.fail(error);
    }
  }

  runFinished(_stats: CacheStats, error?: unknown): void {
    this.guard(() => {
      if (!this.progress || this.ended) return;
      this.end();
      this.progress.runFinished(error, now());
      this.finish();
    });
    this.end();
  }

  /** How often the display changes once shown. */
  protected abstract readonly updateEveryMs: number;
  /** Called once, when the run has lasted `showAfterMs`. */
  protected abstract show(): void;
  /** Called every `updateEveryMs` once shown, from a timer or from the runner's calls. */
  protected abstract update(): void;
  protected rowFinished(_row: ProgressRow): void {}
  /** Called when the run ends, after the timers stopped: show the final state. */
  protected abstract finish(): void;
  /** Called when the display gives up, to leave the terminal usable. */
  protected abandon(): void {}

  /** Shows or updates the display if it is time to. */
  protected pulse(): void {
    if (this.ended) return;
    const time = now();
    if (!this.due) {
      if (time - this.progress!.startedAt < this.settings.showAfterMs) return;
      this.due = true;
      this.lastUpdate = time;
      this.show();
      // While the run waits on async work, nothing calls in: a timer keeps the display moving.
      this.after(
        this.updateEveryMs,
        () => {
          this.lastUpdate = now();
          this.update();
        },
        true,
      );
      return;
    }
    if (time - this.lastUpdate < this.updateEveryMs) return;
    this.lastUpdate = time;
    this.update();
  }

  /** Runs `fn` after `ms`, or every `ms` with `repeat`; never keeps the process alive. */
  protected after(ms: number, fn: () => void, repeat = false): void {
    if (this.ended || this.failed) return;
    const timer = repeat ? setInterval(() => this.guard(fn), ms) : setTimeout(() => this.guard(fn), ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs display code; the first error turns the display off (see `fail`). */
  protected guard(fn: () => void): void {
    if (this.failed) return;
    try {
      fn();
    } catch (error) {
      this.fail(error);
    }
  }

  protected fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.end();
    try {
      this.abandon();
    } catch {
      // Already failing: the warning below is what matters.
    }
    process.emitWarning(`daft: progress display failed and was ignored: ${(error as Error)?.message ?? String(error)}`, "DaftWarning");
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers.splice(0)) clearTimeout(timer); // clears intervals too
    const source = this.errorSource();
    // A failed write reports its error a tick later: keep listening until then.
    if (source) setImmediate(() => source.off("error", this.onStreamError)).unref();
  }

  private errorSource(): ErrorSource | undefined {
    const stream = this.settings.stream as Partial<ErrorSource>;
    return typeof stream.on === "function" && typeof stream.off === "function" ? (stream as ErrorSource) : undefined;
  }
}
