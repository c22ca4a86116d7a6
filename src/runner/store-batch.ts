/**
 * The misses of a mapped node waiting to be stored together with the backend's `setMany`: one
 * transaction (disk) or a few round trips (Redis) for many items instead of one per item. A batch
 * goes when it is full, or a short while after its first result arrived, so calls that finish
 * slowly still have their events and progress soon after they finish; `finish` sends the rest
 * when the node's calls are done (or one failed: what finished is stored all the same).
 *
 * The node's files are stamped again once per batch, as it goes, rather than once per result:
 * every call of the batch has ended by then, so a file that changed while any of them ran is
 * seen, and the whole batch is reported not stored (a few results computed again next time,
 * against a `stat` of every file per item otherwise).
 */
import type { CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import { isPromiseLike } from "../maybe-promise.js";
import type { RunContext } from "./context.js";
import type { NodeReport } from "./node-report.js";
import type { MissExplanation } from "./reasons.js";
import { storeResults, type ResultWrite } from "./store.js";

/** Results per `setMany`: large enough to amortise a transaction or a round trip. */
const BATCH_SIZE = 1024;
/** How long the first result of a batch may wait for others before the batch goes anyway. */
const BATCH_WAIT_MS = 50;

/** What reporting a stored miss needs, beside its write. */
interface Waiting {
  item: number | undefined;
  durationMs: number;
  why: MissExplanation;
  worker: string | undefined;
}

export class StoreBatch {
  private writes: ResultWrite[] = [];
  private waiting: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Batches the timer sent that have not finished storing. */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly run: RunContext,
    private readonly report: NodeReport,
    /** Why results must not be stored (a file of the node changed since it started), if so. */
    private readonly changedFiles: () => string | undefined,
  ) {}

  /** Whether the run's backend stores in bulk, so a mapped node's misses go through a batch. */
  static usable(run: RunContext): boolean {
    return typeof run.config.backend.setMany === "function";
  }

  /** Adds a result to store; resolves once it is stored when it filled the batch (so a slow backend holds the caller back). */
  add(key: string, entry: CacheEntry, signature: NodeSignature, item: number | undefined, durationMs: number, why: MissExplanation, worker: string | undefined): MaybePromise<void> {
    this.writes.push({ key, entry, signature });
    this.waiting.push({ item, durationMs, why, worker });
    if (this.writes.length >= BATCH_SIZE) return this.send();
    this.timer ??= setTimeout(() => this.sendLater(), BATCH_WAIT_MS);
  }

  /** Sends what is left and waits for every batch sent: the node's results are all stored (or reported not). */
  finish(): MaybePromise<void> {
    const last = this.send();
    if (this.sending.size === 0) return last;
    return Promise.all([last, ...this.sending]).then(() => undefined);
  }

  private sendLater(): void {
    this.timer = undefined;
    const sent = this.send();
    if (!isPromiseLike(sent)) return;
    const tracked: Promise<void> = Promise.resolve(sent).then(() => void this.sending.delete(tracked));
    this.sending.add(tracked);
  }

  private send(): MaybePromise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const { writes, waiting } = this;
    if (writes.length === 0) return;
    this.writes = [];
    this.waiting = [];
    const changed = this.changedFiles();
    if (changed !== undefined) return this.reportAll(waiting, waiting.map(() => changed));
    const outcomes = storeResults(this.run, this.report.node, writes);
    if (!isPromiseLike(outcomes)) return this.reportAll(waiting, outcomes);
    return Promise.resolve(outcomes).then((resolved) => this.reportAll(waiting, resolved));
  }

  private reportAll(waiting: readonly Waiting[], outcomes: readonly (true | string)[]): void {
    for (let i = 0; i < waiting.length; i++) {
      const { item, durationMs, why, worker } = waiting[i]!;
      this.report.miss(item, durationMs, why, outcomes[i]!, worker);
    }
  }
}
