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
import { andThen, andThenCatch } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";
import { itemKeyOf } from "./item-key.js";
import { safely, type RunObserver } from "./observer.js";
import { runPool } from "./pool.js";
import { explainMiss, type MissExplanation } from "./reasons.js";
import { blobKeyOf, fingerprintNode, signatureParts, type NodeFingerprint } from "./signature.js";
import { combineItemHashes, Slot } from "./slots.js";
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
      return andThen(callOnce(shape, index, nodeName, fingerprint, context, recordItems ? nodeStats : undefined), (result) => {
        results[index] = result;
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

function inputHashesFor(shape: CallShape, index: number | undefined): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const source of shape.sources) {
    if (!source.slot) {
      hashes[source.name] = "default";
      continue;
    }
    try {
      hashes[source.name] = source.alongAxis ? source.slot.itemHash(index!) : source.slot.hash();
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
  const { node } = shape.step;
  const args = argumentsFor(shape, index);
  const invoke = () => {
    const started = now();
    return andThen(invokeFunction(shape, args, index, nodeName), (value) => ({ value, durationMs: now() - started }));
  };
  if (!fingerprint) {
    return andThen(invoke(), ({ value, durationMs }) => {
      if (nodeStats) record(context, nodeStats, shape, eventBase(shape, nodeName, index, "no-cache", durationMs));
      return { value, outputHash: undefined };
    });
  }
  const compute = () =>
    andThen(invoke(), ({ value, durationMs }) => ({ ...hashedResult(value), durationMs }) as CallResult & { durationMs: number });
  return cachedCall(shape, index, nodeName, fingerprint, context, nodeStats!, compute);
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

function hashedResult(value: unknown): CallResult & { hashError?: string } {
  const { hash, error } = hashOutput(value);
  return error === undefined ? { value, outputHash: hash } : { value, outputHash: undefined, hashError: error };
}

/**
 * The cache protocol for one call: look up the signature's blob; on a miss, read the latest
 * signature of the key (to say why), compute, store the entry, then the signature.
 */
function cachedCall(
  shape: CallShape,
  index: number | undefined,
  nodeName: string,
  fingerprint: NodeFingerprint,
  context: RunContext,
  nodeStats: NodeRunStats,
  compute: () => MaybePromise<CallResult & { durationMs?: number; hashError?: string }>,
): MaybePromise<CallResult> {
  const { node } = shape.step;
  const backend = context.config.backend;
  const inputs = inputHashesFor(shape, index);
  const inputsHash = hashString(Object.entries(inputs).flat().join("\u0000"));
  const key = blobKeyOf(nodeName, fingerprint, inputsHash);
  const lookupStarted = now();

  const onHit = (entry: CacheEntry): CallResult => {
    record(context, nodeStats, shape, eventBase(shape, nodeName, index, "hit", now() - lookupStarted));
    return { value: entry.value, outputHash: entry.outputHash, itemHashes: entry.itemHashes };
  };

  const onMiss = (): MaybePromise<CallResult> => {
    const signature: NodeSignature = {
      nodeName,
      codeHash: fingerprint.codeHash,
      envHash: fingerprint.envHash,
      inputsHash,
      depsHash: fingerprint.depsHash,
      timestamp: Date.now(),
      parts: signatureParts(fingerprint, inputs),
    };
    return andThenCatch(
      () => backend.getMeta(nodeName),
      (previous) => computeAndStore(explainMiss(previous, signature), signature),
      () => computeAndStore({ reason: "new" }, signature),
    );
  };

  const computeAndStore = (why: MissExplanation, signature: NodeSignature): MaybePromise<CallResult> =>
    andThen(compute(), (result) => {
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
        ...(result.itemHashes ? { itemHashes: result.itemHashes as string[] } : {}),
        nodeName,
      } as CacheEntry;
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
    () => backend.getBlob(key),
    (entry) => (entry ? onHit(entry) : onMiss()),
    (error) => {
      context.warn(`node "${node.name}": cache lookup failed, computing instead: ${(error as Error)?.message ?? String(error)}`);
      return onMiss();
    },
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
  safely(context.observer, "itemFinished", shape.step.node, event.status);
}
