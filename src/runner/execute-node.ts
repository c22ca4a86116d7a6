/**
 * Runs one planned node: once, or once per item along the map axis; looks each call up in the
 * cache when the node is cached, and records what happened. Everything stays synchronous while
 * the backend and the function are, so hits cost microseconds.
 */
import type { CacheConfig } from "../cache/config.js";
import type { CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import { InputHashError, NodeError } from "../errors.js";
import { hashValue } from "../hashing/hash-value.js";
import { hashString } from "../hashing/xxhash.js";
import { andThen, andThenCatch, isPromiseLike } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";
import { itemKeyOf } from "./item-key.js";
import { safely, type RunObserver } from "./observer.js";
import { runPool } from "./pool.js";
import { explainMiss, type MissExplanation } from "./reasons.js";
import { blobKeyOf, fingerprintNode, signatureParts, type NodeFingerprint } from "./signature.js";
import { combineItemHashes, Slot } from "./slots.js";
import { debugRunner } from "../debug/index.js";
import { logCacheEvent } from "../debug/describe.js";
import { newNodeStats, recordEvent, type CacheEvent, type CacheStats, type NodeRunStats } from "./stats.js";

export interface RunContext {
  config: CacheConfig;
  slots: Map<string, Slot>;
  stats: CacheStats;
  concurrency: number;
  observer: RunObserver | undefined;
  /** Reports a backend problem (lookup or store failure) once per node. */
  warn(message: string): void;
}

/** Where a call's inputs come from and how each is hashed, fixed once per node per run. */
interface CallShape {
  step: PlannedNode;
  /** Sources with their slots, sorted by input name so the inputs hash ignores pattern order. */
  sources: { name: string; slot: Slot | undefined; alongAxis: boolean }[];
  axis: Slot | undefined;
}

interface CallResult {
  value: unknown;
  outputHash: string | undefined;
  itemHashes?: (string | undefined)[] | undefined;
}

const now = () => performance.now();

export function executeNode(step: PlannedNode, context: RunContext): MaybePromise<void> {
  const { node } = step;
  const axisName = node.meta.mapAxis;
  const axisSlot = axisName === undefined ? undefined : context.slots.get(axisName);
  const items = axisSlot?.items;
  const mapped = items !== undefined;
  const cached = context.config.enabled && node.meta.cache;
  const shape: CallShape = {
    step,
    axis: axisSlot,
    sources: step.sources
      .map((source) => {
        const slot = source.from === "default" ? undefined : context.slots.get(source.name);
        return { name: source.name, slot, alongAxis: mapped && slot !== undefined && (slot.kind === "mapped" || slot === axisSlot) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
  const nodeStats = newNodeStats(node.name, node.output, mapped, mapped ? items.length : 1);
  context.stats.nodes.push(nodeStats);
  const fingerprint = cached ? fingerprintNode(node, context.config) : undefined;
  const started = now();
  safely(context.observer, "nodeStarted", node, mapped ? items.length : undefined);

  const finish = (slot: Slot) => {
    context.slots.set(node.output, slot);
    nodeStats.durationMs = now() - started;
    safely(context.observer, "nodeFinished", node, nodeStats);
  };

  if (!mapped) {
    return andThen(callOnce(shape, undefined, node.output, fingerprint, context, nodeStats), (result) =>
      finish(new Slot(result.value, "value", result.outputHash)),
    );
  }
  if (fingerprint && !context.config.perItemCaching) {
    // The whole mapped node is one cache entry; its items still run with the usual concurrency.
    const runAll = () =>
      andThen(runItems(shape, items.length, undefined, context, nodeStats, false), (results) => {
        const itemHashes = results.map((result) => hashOutput(result.value).hash);
        const complete = itemHashes.every((hash) => hash !== undefined);
        return {
          value: results.map((result) => result.value),
          outputHash: complete ? combineItemHashes(itemHashes as string[]) : undefined,
          itemHashes,
        } satisfies CallResult;
      });
    return andThen(cachedCall(shape, undefined, node.output, fingerprint, context, nodeStats, runAll), (result) =>
      finish(new Slot(result.value, "mapped", result.outputHash, result.itemHashes)),
    );
  }
  return andThen(runItems(shape, items.length, fingerprint, context, nodeStats, true), (results) =>
    finish(new Slot(results.map((result) => result.value), "mapped", undefined, results.map((result) => result.outputHash))),
  );
}

/** Runs every item of a mapped node, each looked up on its own when `fingerprint` is given. */
function runItems(
  shape: CallShape,
  count: number,
  fingerprint: NodeFingerprint | undefined,
  context: RunContext,
  nodeStats: NodeRunStats,
  /** False when the node is cached as a whole: the items are then parts of one event. */
  recordItems: boolean,
): MaybePromise<CallResult[]> {
  const results = new Array<CallResult>(count);
  const output = shape.step.node.output;
  const perItem = fingerprint !== undefined;
  return andThen(
    runPool(count, context.concurrency, (index) => {
      const nodeName = perItem ? `${output}::${itemKeyOf(shape, index)}` : output;
      const result = callOnce(shape, index, nodeName, fingerprint, context, recordItems ? nodeStats : undefined);
      if (!isPromiseLike(result)) {
        results[index] = result;
        return;
      }
      return Promise.resolve(result).then((value) => {
        results[index] = value;
      });
    }),
    () => results,
  );
}

function argumentsFor(shape: CallShape, index: number | undefined): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const source of shape.sources) {
    if (!source.slot) continue; // not given: the function's own default applies
    args[source.name] = source.alongAxis ? (source.slot.value as unknown[])[index!] : source.slot.value;
  }
  return args;
}

/** The hash of each input, in `shape.sources` order (sorted by name). */
function inputHashesFor(shape: CallShape, index: number | undefined): string[] {
  const hashes = new Array<string>(shape.sources.length);
  for (let i = 0; i < shape.sources.length; i++) {
    const source = shape.sources[i]!;
    if (!source.slot) {
      hashes[i] = "default";
      continue;
    }
    try {
      hashes[i] = source.alongAxis ? source.slot.itemHash(index!) : source.slot.hash();
    } catch (error) {
      const { node } = shape.step;
      const item = index === undefined ? "" : ` (item ${index})`;
      throw new InputHashError(
        `node "${node.name}" (output "${node.output}"), input "${source.name}"${item}: ${(error as Error).message}`,
        node.name,
        source.name,
        { cause: error },
      );
    }
  }
  return hashes;
}

/** One call of the function (the node, or one item), looked up first when it is cached. */
function callOnce(
  shape: CallShape,
  index: number | undefined,
  nodeName: string,
  fingerprint: NodeFingerprint | undefined,
  context: RunContext,
  /** Undefined: do not record an event (an item of a node cached as a whole). */
  nodeStats: NodeRunStats | undefined,
): MaybePromise<CallResult> {
  if (!fingerprint) {
    return andThen(invoke(shape, index, nodeName), ({ value, durationMs }) => {
      if (nodeStats) record(context, nodeStats, shape, eventBase(shape, nodeName, index, "no-cache", durationMs));
      return { value, outputHash: undefined };
    });
  }
  return cachedCall(shape, index, nodeName, fingerprint, context, nodeStats!);
}

/** Calls the function with the call's inputs (built only now: a hit never needs them). */
function invoke(shape: CallShape, index: number | undefined, nodeName: string): MaybePromise<{ value: unknown; durationMs: number }> {
  const args = argumentsFor(shape, index);
  const started = now();
  return andThen(invokeFunction(shape, args, index, nodeName), (value) => ({ value, durationMs: now() - started }));
}

function invokeFunction(shape: CallShape, args: Record<string, unknown>, index: number | undefined, nodeName: string): MaybePromise<unknown> {
  const { node } = shape.step;
  const wrap = (error: unknown): never => {
    const where = index === undefined ? "" : ` on item ${index} (${nodeName})`;
    const message = error instanceof Error ? error.message : String(error);
    throw new NodeError(`Node "${node.name}" (output "${node.output}") failed${where}: ${message}`, node.name, node.output, index, {
      cause: error,
    });
  };
  return andThenCatch(() => node.fn(args), (value) => value, wrap);
}

function hashOutput(value: unknown): { hash: string | undefined; error?: string } {
  try {
    return { hash: hashValue(value) };
  } catch (error) {
    return { hash: undefined, error: (error as Error).message };
  }
}

type ComputedResult = CallResult & { durationMs?: number; hashError?: string };

function hashedResult(value: unknown): ComputedResult {
  const { hash, error } = hashOutput(value);
  return error === undefined ? { value, outputHash: hash } : { value, outputHash: undefined, hashError: error };
}

/**
 * The cache protocol for one call: look up the signature's blob; on a miss, read the latest
 * signature of the key (to say why), compute, store the entry, then the signature. A hit on a
 * synchronous backend returns without allocating a closure or a promise.
 */
function cachedCall(
  shape: CallShape,
  index: number | undefined,
  nodeName: string,
  fingerprint: NodeFingerprint,
  context: RunContext,
  nodeStats: NodeRunStats,
  /** How to produce the value on a miss; by default, call the function for this call's inputs. */
  compute?: () => MaybePromise<ComputedResult>,
): MaybePromise<CallResult> {
  const inputHashes = inputHashesFor(shape, index);
  // The blob key covers the raw input hashes; `inputsHash` (a hash of the same text) is only
  // needed for the signature, which only a miss writes.
  const inputsText = inputHashes.join("\u0000");
  const key = blobKeyOf(nodeName, fingerprint, inputsText);
  const lookupStarted = now();
  let found: MaybePromise<CacheEntry | undefined>;
  try {
    found = context.config.backend.getBlob(key);
  } catch (error) {
    found = Promise.reject(error);
  }
  if (!isPromiseLike(found)) {
    if (found) return hit(found, shape, index, nodeName, context, nodeStats, lookupStarted);
    return miss(shape, index, nodeName, fingerprint, context, nodeStats, compute, key, inputHashes, inputsText);
  }
  return Promise.resolve(found).then(
    (entry) =>
      entry
        ? hit(entry, shape, index, nodeName, context, nodeStats, lookupStarted)
        : miss(shape, index, nodeName, fingerprint, context, nodeStats, compute, key, inputHashes, inputsText),
    (error: unknown) => {
      context.warn(`node "${shape.step.node.name}": cache lookup failed, computing instead: ${(error as Error)?.message ?? String(error)}`);
      return miss(shape, index, nodeName, fingerprint, context, nodeStats, compute, key, inputHashes, inputsText);
    },
  );
}

function hit(
  entry: CacheEntry,
  shape: CallShape,
  index: number | undefined,
  nodeName: string,
  context: RunContext,
  nodeStats: NodeRunStats,
  lookupStarted: number,
): CallResult {
  record(context, nodeStats, shape, eventBase(shape, nodeName, index, "hit", now() - lookupStarted));
  return { value: entry.value, outputHash: entry.outputHash, itemHashes: entry.itemHashes };
}

function miss(
  shape: CallShape,
  index: number | undefined,
  nodeName: string,
  fingerprint: NodeFingerprint,
  context: RunContext,
  nodeStats: NodeRunStats,
  compute: (() => MaybePromise<ComputedResult>) | undefined,
  key: string,
  inputHashes: string[],
  inputsText: string,
): MaybePromise<CallResult> {
  const { node } = shape.step;
  const backend = context.config.backend;
  const inputs: Record<string, string> = {};
  shape.sources.forEach((source, i) => (inputs[source.name] = inputHashes[i]!));
  const signature: NodeSignature = {
    nodeName,
    codeHash: fingerprint.codeHash,
    envHash: fingerprint.envHash,
    inputsHash: hashString(inputsText),
    depsHash: fingerprint.depsHash,
    timestamp: Date.now(),
    parts: signatureParts(fingerprint, inputs),
  };

  const produce = compute ?? (() => andThen(invoke(shape, index, nodeName), ({ value, durationMs }) => ({ ...hashedResult(value), durationMs })));
  const computeAndStore = (why: MissExplanation): MaybePromise<CallResult> =>
    andThen(produce(), (result) => {
      const event: CacheEvent = { ...eventBase(shape, nodeName, index, "miss", result.durationMs ?? 0), ...why };
      const done = (stored: true | string): CallResult => {
        event.stored = stored === true;
        if (stored !== true) event.notStoredReason = stored;
        record(context, nodeStats, shape, event);
        return { value: result.value, outputHash: result.outputHash, itemHashes: result.itemHashes };
      };
      if (result.outputHash === undefined) return done(`its result cannot be hashed: ${result.hashError ?? "unknown"}`);
      const entry: CacheEntry = {
        value: result.value,
        outputHash: result.outputHash,
        createdAt: Date.now(),
        durationMs: event.durationMs,
        nodeName,
        ...(result.itemHashes ? { itemHashes: result.itemHashes as string[] } : {}),
      };
      return andThenCatch(
        () => backend.setBlob(key, entry),
        () =>
          andThenCatch(
            () => backend.setMeta(signature),
            () => done(true),
            // The value is stored; only the explanation data is missing. Still a stored result.
            (error) => {
              context.warn(`node "${node.name}": could not record its signature: ${(error as Error)?.message ?? String(error)}`);
              return done(true);
            },
          ),
        (error) => done((error as Error)?.message ?? String(error)),
      );
    });

  return andThenCatch(
    () => backend.getMeta(nodeName),
    (previous) => computeAndStore(explainMiss(previous, signature)),
    () => computeAndStore({ reason: "new" }),
  );
}

function eventBase(shape: CallShape, key: string, index: number | undefined, status: CacheEvent["status"], durationMs: number): CacheEvent {
  const { node } = shape.step;
  return index === undefined
    ? { node: node.name, output: node.output, key, status, durationMs }
    : { node: node.name, output: node.output, key, item: index, status, durationMs };
}

function record(context: RunContext, nodeStats: NodeRunStats, shape: CallShape, event: CacheEvent): void {
  recordEvent(context.stats, nodeStats, event);
  if (debugRunner.enabled) logCacheEvent(event);
  safely(context.observer, "itemFinished", shape.step.node, event.status);
}
