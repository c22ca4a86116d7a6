/**
 * Runs one planned node: once, or once per item along the map axis.
 *
 *   cached call      look up ─┬─ hit ───────────────────────────► record
 *                             └─ miss ─► execute ─► hash, store ─► record
 *   uncached call               execute ────────────────────────► record
 *   mapped node cached whole (perItemCaching: false): one lookup for all its items; on a miss
 *                    every item executes, then one hash and one store for the whole output
 *   a mapped node on a backend with `setMany`: misses stored in batches (store-batch.ts), each
 *                    recorded once its batch is stored
 *
 * Lookups, hits, stores and records happen here; only `execute` leaves, to the executor (where
 * functions run), in chunks (see dispatch.ts). Everything stays synchronous while the backend and
 * the function are, so a hit costs microseconds. A node the run refreshes skips its lookups: every
 * call misses (reason `refresh`) and its result is stored over the old one. A dry run goes to
 * dry-run.ts instead.
 */
import type { CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import { andThen, andThenCatch, isPromiseLike } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";
import type { RunContext } from "./context.js";
import { Dispatch } from "./dispatch.js";
import { dryRunNode } from "./dry-run.js";
import type { Invocation, Outcome } from "./executor.js";
import { checkedWhole, lookUp, lookUpMany, whyMissed, type Found } from "./lookup.js";
import type { NodeCalls } from "./node-calls.js";
import { inNodeFrame } from "./node-frame.js";
import type { NodeReport } from "./node-report.js";
import { runPool } from "./pool.js";
import { StoreBatch } from "./store-batch.js";
import type { MissExplanation } from "./reasons.js";
import { changedDuringCall } from "./dependency-stamps.js";
import { blobKeyOf, callSignature, fingerprintNode, type NodeFingerprint } from "./signature.js";
import { combineItemHashes, Slot } from "./slots.js";
import { hashOutput, recordSignature, storeResult } from "./store.js";

/** `position`: the node's index in the plan. */
export function runNode(step: PlannedNode, position: number, run: RunContext): MaybePromise<void> {
  if (run.dryRun) return dryRunNode(step, position, run);
  return inNodeFrame(step, position, run, runCalls);
}

function runCalls(calls: NodeCalls, report: NodeReport, run: RunContext): MaybePromise<Slot> {
  const { node } = calls;
  if (!run.config.enabled || !node.meta.cache) return runUncached(calls, report, run);
  const fingerprint = fingerprintNode(node, run.config);
  if (calls.mapped && !run.config.perItemCaching) return runCachedWhole(calls, report, run, fingerprint);
  return new CachedCalls(calls, report, run, fingerprint).runAll();
}

const REFRESHED: MissExplanation = { reason: "refresh" };

/** A call on its way to the executor; `index` is its place in the node's output. */
interface Call extends Invocation {
  index: number;
}

/** Runs every call of the node, without lookups; `each` sees each outcome as it comes. */
function executeAll(calls: NodeCalls, report: NodeReport, run: RunContext, each?: (call: Call, outcome: Outcome) => void): MaybePromise<unknown[]> {
  const values = new Array<unknown>(calls.count);
  const settle = (call: Call, outcome: Outcome) => {
    values[call.index] = outcome.value;
    each?.(call, outcome);
  };
  const dispatch = new Dispatch<Call>(run.executor, calls.node, calls.count, settle, (error) => report.callFailed(error));
  const { output } = calls.node;
  const started = runPool(calls.count, run.limiter, (index) => {
    const item = calls.itemAt(index);
    return dispatch.run({ index, item, key: output, args: calls.argumentsOf(item) });
  });
  return andThen(started, () => values);
}

function runUncached(calls: NodeCalls, report: NodeReport, run: RunContext): MaybePromise<Slot> {
  return andThen(
    executeAll(calls, report, run, (call, outcome) => report.noCache(call.item, outcome.durationMs, outcome.worker)),
    (values) => (calls.mapped ? new Slot(values, "mapped") : new Slot(values[0], "value")),
  );
}

/** A mapped node cached as one entry: one lookup, and on a miss every item runs. */
function runCachedWhole(calls: NodeCalls, report: NodeReport, run: RunContext, fingerprint: NodeFingerprint): MaybePromise<Slot> {
  report.stats.cachedWhole = true;
  const { node } = calls;
  const key = node.output;
  const inputsText = calls.inputsTextOf(undefined);
  const blobKey = blobKeyOf(key, fingerprint, inputsText);
  const lookupStarted = performance.now();
  const refresh = run.refresh.has(node);
  return andThen(refresh ? undefined : lookUp(run, node, blobKey), (found) => {
    const entry = found && checkedWhole(run, node, found, calls.count);
    if (entry) {
      report.hit(undefined, performance.now() - lookupStarted);
      return new Slot(entry.value, "mapped", entry.outputHash, entry.itemHashes);
    }
    const signature = callSignature(key, fingerprint, inputsText, calls.inputHashes(undefined, inputsText));
    return andThen(refresh ? REFRESHED : whyMissed(run, signature), (why) => {
      fingerprint.stamps();
      const started = performance.now();
      return andThen(executeAll(calls, report, run), (values) => {
        const durationMs = performance.now() - started;
        const hashed = values.map(hashOutput);
        const unhashable = hashed.find((result) => result.hash === undefined);
        const itemHashes = hashed.map((result) => result.hash);
        const outputHash = unhashable ? undefined : combineItemHashes(itemHashes as string[]);
        const changed = changedDuringCall(fingerprint.stamps());
        const stored =
          changed !== undefined
            ? changed
            : outputHash === undefined
            ? `its result cannot be hashed: ${unhashable!.error}`
            : storeResult(run, node, blobKey, { value: values, outputHash, createdAt: Date.now(), durationMs, nodeName: key, itemHashes: itemHashes as string[] }, signature);
        return andThen(stored, (result) => {
          report.miss(undefined, durationMs, why, result);
          return new Slot(values, "mapped", outputHash, itemHashes);
        });
      });
    });
  });
}

/** What storing and reporting a miss need once the executor returns. */
interface Miss extends Call {
  blobKey: string;
  signature: NodeSignature;
  why: MissExplanation;
}

/**
 * The calls of a node cached per call: the node itself, or each of its items. A call on a
 * synchronous backend with a synchronous function allocates no closure and no promise, hit or
 * miss: what it keeps is its value, its hash and a few numbers in the stats.
 */
class CachedCalls {
  private readonly values: unknown[];
  private readonly hashes: (string | undefined)[];
  private readonly dispatch: Dispatch<Miss>;
  /** The run recomputes this node: no lookups, every call misses. */
  private readonly refresh: boolean;
  /** Set when every call's entry was fetched at once (`getMany`): the entries and their keys. */
  private prefetched: { found: Found[]; blobKeys: string[]; msPerCall: number } | undefined;
  /** A mapped node on a backend with `setMany`: its misses are stored in batches. */
  private readonly batch: StoreBatch | undefined;

  constructor(
    private readonly calls: NodeCalls,
    private readonly report: NodeReport,
    private readonly context: RunContext,
    private readonly fingerprint: NodeFingerprint,
  ) {
    this.values = new Array<unknown>(calls.count);
    this.hashes = new Array<string | undefined>(calls.count);
    this.dispatch = new Dispatch<Miss>(
      context.executor,
      calls.node,
      calls.count,
      (miss, outcome) => this.settle(miss, outcome),
      (error) => report.callFailed(error),
    );
    this.refresh = context.refresh.has(calls.node);
    this.batch = calls.mapped && StoreBatch.usable(context) ? new StoreBatch(context, report, () => changedDuringCall(fingerprint.stamps())) : undefined;
  }

  runAll(): MaybePromise<Slot> {
    return andThen(this.prefetch(), () =>
      andThen(this.lookUpAll(), () =>
        this.calls.mapped ? new Slot(this.values, "mapped", undefined, this.hashes) : new Slot(this.values[0], "value", this.hashes[0]),
      ),
    );
  }

  /** Every call; with a batch, its last results stored before the node ends, even when a call failed. */
  private lookUpAll(): MaybePromise<void> {
    const { batch } = this;
    const all = () => runPool(this.calls.count, this.context.limiter, (index) => this.lookUp(index));
    if (!batch) return all();
    return andThenCatch(all, () => batch.finish(), (error) =>
      andThen(batch.finish(), () => {
        throw error;
      }),
    );
  }

  /** The items of a mapped node, on a backend with `getMany`: every entry in one call. */
  private prefetch(): MaybePromise<void> {
    const { calls } = this;
    if (!calls.mapped || this.refresh || typeof this.context.config.backend.getMany !== "function") return;
    const blobKeys = new Array<string>(calls.count);
    for (let index = 0; index < calls.count; index++) blobKeys[index] = blobKeyOf(calls.keyOf(index), this.fingerprint, calls.inputsTextOf(index));
    const started = performance.now();
    return andThen(lookUpMany(this.context, calls.node, blobKeys)!, (found) => {
      this.prefetched = { found, blobKeys, msPerCall: (performance.now() - started) / Math.max(1, calls.count) };
    });
  }

  private lookUp(index: number): MaybePromise<void> {
    const { calls } = this;
    const item = calls.itemAt(index);
    if (this.prefetched) {
      const entry = this.prefetched.found[index];
      if (entry) return this.hit(index, item, entry, this.prefetched.msPerCall);
      return this.miss(index, item, calls.keyOf(item), calls.inputsTextOf(item), this.prefetched.blobKeys[index]!);
    }
    const key = calls.keyOf(item);
    const inputsText = calls.inputsTextOf(item);
    const blobKey = blobKeyOf(key, this.fingerprint, inputsText);
    if (this.refresh) return this.miss(index, item, key, inputsText, blobKey);
    const started = performance.now();
    const found = lookUp(this.context, calls.node, blobKey);
    if (!isPromiseLike(found)) return found ? this.hit(index, item, found, performance.now() - started) : this.miss(index, item, key, inputsText, blobKey);
    return found.then((entry) =>
      entry ? this.hit(index, item, entry, performance.now() - started) : this.miss(index, item, key, inputsText, blobKey),
    );
  }

  private hit(index: number, item: number | undefined, entry: NonNullable<Found>, durationMs: number): MaybePromise<void> {
    this.report.hit(item, durationMs);
    this.values[index] = entry.value;
    this.hashes[index] = entry.outputHash;
    return this.dispatch.skip();
  }

  private miss(index: number, item: number | undefined, key: string, inputsText: string, blobKey: string): MaybePromise<void> {
    const signature = callSignature(key, this.fingerprint, inputsText, this.calls.inputHashes(item, inputsText));
    const why = this.refresh ? REFRESHED : whyMissed(this.context, signature);
    if (!isPromiseLike(why)) return this.execute(index, item, key, blobKey, signature, why);
    return why.then((explained) => this.execute(index, item, key, blobKey, signature, explained));
  }

  private execute(index: number, item: number | undefined, key: string, blobKey: string, signature: NodeSignature, why: MissExplanation): MaybePromise<void> {
    this.fingerprint.stamps(); // the node's files as they are before it runs (taken once per node)
    return this.dispatch.run({ index, item, key, args: this.calls.argumentsOf(item), blobKey, signature, why });
  }

  private settle(miss: Miss, outcome: Outcome): MaybePromise<void> {
    const { value, durationMs, worker, storedAs } = outcome;
    this.values[miss.index] = value;
    if (storedAs) {
      // Stored where it ran (a worker wrote it to the shared cache): only the signature is left.
      this.hashes[miss.index] = storedAs.outputHash;
      return andThen(recordSignature(this.context, this.calls.node, miss.signature), () =>
        this.report.miss(miss.item, durationMs, miss.why, true, worker),
      );
    }
    const { hash, error } = hashOutput(value);
    this.hashes[miss.index] = hash;
    if (hash === undefined) return this.report.miss(miss.item, durationMs, miss.why, `its result cannot be hashed: ${error}`, worker);
    const entry: CacheEntry = { value, outputHash: hash, createdAt: Date.now(), durationMs, nodeName: miss.key };
    // (A batch checks the node's files once for all its results when it is sent.)
    if (this.batch) return this.batch.add(miss.blobKey, entry, miss.signature, miss.item, durationMs, miss.why, worker);
    // A file of the node changed while it ran: the result may mix both versions, so it is not kept.
    const changed = changedDuringCall(this.fingerprint.stamps());
    if (changed !== undefined) return this.report.miss(miss.item, durationMs, miss.why, changed, worker);
    const stored = storeResult(this.context, this.calls.node, miss.blobKey, entry, miss.signature);
    if (!isPromiseLike(stored)) return this.report.miss(miss.item, durationMs, miss.why, stored, worker);
    return stored.then((result) => this.report.miss(miss.item, durationMs, miss.why, result, worker));
  }
}
