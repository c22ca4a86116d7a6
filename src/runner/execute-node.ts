/**
 * Runs one planned node: once, or once per item along the map axis; looks each call up in the
 * cache when the node is cached, and records what happened. Everything stays synchronous while
 * the backend and the function are, so hits cost microseconds.
 */
import type { MaybePromise } from "../cache/types.js";
import { andThen, isPromiseLike } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";
import { cachedCall } from "./cached-call.js";
import { eventFor, now, record, type Call, type CallResult, type CallShape, type RunContext } from "./call.js";
import { hashOutput, invoke, type Computed } from "./invoke.js";
import { itemKeyOf } from "./item-key.js";
import { runPool } from "./pool.js";
import { safely } from "./observer.js";
import { fingerprintNode, type NodeFingerprint } from "./signature.js";
import { combineItemHashes, Slot } from "./slots.js";
import { newNodeStats, type NodeRunStats } from "./stats.js";

export type { RunContext } from "./call.js";

export function executeNode(step: PlannedNode, context: RunContext): MaybePromise<void> {
  const { node } = step;
  const axisName = node.meta.mapAxis;
  const axisSlot = axisName === undefined ? undefined : context.slots.get(axisName);
  const items = axisSlot?.items;
  const mapped = items !== undefined;
  const shape: CallShape = {
    step,
    axis: axisSlot,
    sources: step.sources
      .map((source) => {
        const slot = source.from === "default" ? undefined : context.slots.get(source.name);
        return { name: source.name, slot, alongAxis: mapped && slot !== undefined && (slot.kind === "mapped" || slot === axisSlot) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    keyOf: (index) => (index === undefined ? node.output : `${node.output}::${itemKeyOf(shape, index)}`),
  };
  const nodeStats = newNodeStats(node.name, node.output, mapped, mapped ? items.length : 1);
  context.stats.nodes.push(nodeStats);
  const fingerprint = context.config.enabled && node.meta.cache ? fingerprintNode(node, context.config) : undefined;
  const started = now();
  safely(context.observer, "nodeStarted", node, mapped ? items.length : undefined);

  const finish = (slot: Slot) => {
    slot.retainItemHashes = (context.itemHashReaders.get(node.output) ?? 0) > 1;
    context.slots.set(node.output, slot);
    nodeStats.durationMs = now() - started;
    safely(context.observer, "nodeFinished", node, nodeStats);
  };
  const whole: Call = { shape, index: undefined, nodeName: node.output, context, nodeStats };

  if (!mapped) {
    return andThen(callOnce(whole, fingerprint), (result) => finish(new Slot(result.value, "value", result.outputHash)));
  }
  if (fingerprint && !context.config.perItemCaching) {
    // The whole mapped node is one cache entry; its items still run with the usual concurrency.
    nodeStats.cachedWhole = true;
    const runAll = () =>
      andThen(runItems(shape, items.length, undefined, context, undefined), (results): Computed => {
        const itemHashes = results.map((result) => hashOutput(result.value).hash);
        const complete = itemHashes.every((hash) => hash !== undefined);
        return {
          value: results.map((result) => result.value),
          outputHash: complete ? combineItemHashes(itemHashes as string[]) : undefined,
          itemHashes,
        };
      });
    return andThen(cachedCall(whole, fingerprint, runAll), (result) =>
      finish(new Slot(result.value, "mapped", result.outputHash, result.itemHashes)),
    );
  }
  return andThen(runItems(shape, items.length, fingerprint, context, nodeStats), (results) =>
    finish(new Slot(results.map((result) => result.value), "mapped", undefined, results.map((result) => result.outputHash))),
  );
}

/**
 * Runs every item of a mapped node, each looked up on its own when `fingerprint` is given.
 * `nodeStats` is undefined when the node is cached as a whole: its items are then parts of one event.
 */
function runItems(
  shape: CallShape,
  count: number,
  fingerprint: NodeFingerprint | undefined,
  context: RunContext,
  nodeStats: NodeRunStats | undefined,
): MaybePromise<CallResult[]> {
  const results = new Array<CallResult>(count);
  const output = shape.step.node.output;
  return andThen(
    runPool(count, context.concurrency, (index) => {
      const nodeName = fingerprint ? shape.keyOf(index) : output;
      const result = callOnce({ shape, index, nodeName, context, nodeStats }, fingerprint);
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

/** One call, looked up first when the node is cached. */
function callOnce(call: Call, fingerprint: NodeFingerprint | undefined): MaybePromise<CallResult> {
  if (fingerprint) return cachedCall(call, fingerprint);
  return andThen(invoke(call), ({ value, durationMs }) => {
    record(call, eventFor(call, "no-cache", durationMs));
    return { value, outputHash: undefined };
  });
}
