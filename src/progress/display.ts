/**
 * What both progress displays share: the run's state, the delay before anything is shown, and
 * failure handling. A display never fails a run: whatever throws (a closed stream, a terminal
 * library error) stops the display, is reported once as a warning, and the run goes on. Its
 * timers are unref'd, so they never keep a process alive, and are cleared when the run ends,
 * whether it succeeded or threw.
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
      this.prepare();
      this.after(this.settings.showAfterMs, () => {
        this.due = true;
        this.show();
      });
    });
  }

  nodeStarted(node: PipelineNode, items: number | undefined): void {
    this.guard(() => this.progress?.nodeStarted(node, items, now()));
  }

  itemFinished(node: PipelineNode, status: CacheStatus): void {
    this.guard(() => this.progress?.itemFinished(node, status));
  }

  nodeFinished(node: PipelineNode, stats: NodeRunStats): void {
    this.guard(() => {
      const row = this.progress?.nodeFinished(node, stats);
      if (row) this.rowFinished(row);
    });
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

  /** Called at run start (e.g. to begin loading a terminal library). */
  protected prepare(): void {}
  /** Called once the run has lasted `showAfterMs`. */
  protected abstract show(): void;
  protected rowFinished(_row: ProgressRow): void {}
  /** Called when the run ends, after the timers stopped: show the final state. */
  protected abstract finish(): void;
  /** Called when the display gives up, to leave the terminal usable. */
  protected abandon(): void {}

  protected get active(): boolean {
    return !this.ended && !this.failed;
  }

  /** Runs `fn` after `ms`, or every `ms` with `repeat`; never keeps the process alive. */
  protected after(ms: number, fn: () => void, repeat = false): void {
    if (!this.active) return;
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
