/**
 * One node of a dry run: every call is looked up as a real run would look it up, and nothing
 * runs and nothing is stored. A hit's stored value is kept, so the nodes after hits are looked
 * up in turn. A call that would run (a miss, a call of a refreshed or uncached node) leaves its
 * value unknown, and a call reading an unknown value would run with reason `upstream`: its
 * inputs are known only once that node has run (it may still hit then, if the node recomputes
 * the same value).
 */
import type { MaybePromise } from "../cache/types.js";
import { andThen } from "../maybe-promise.js";
import type { PlannedNode } from "../plan.js";
import type { RunContext } from "./context.js";
import { checkedWhole, lookUp, whyMissed } from "./lookup.js";
import type { NodeCalls } from "./node-calls.js";
import { inNodeFrame } from "./node-frame.js";
import type { NodeReport } from "./node-report.js";
import { runPool } from "./pool.js";
import { blobKeyOf, callSignature, fingerprintNode, type NodeFingerprint } from "./signature.js";
import { Slot } from "./slots.js";

export function dryRunNode(step: PlannedNode, position: number, run: RunContext): MaybePromise<void> {
  return inNodeFrame(step, position, run, dryRunCalls);
}

function dryRunCalls(calls: NodeCalls, report: NodeReport, run: RunContext): MaybePromise<Slot> {
  const { node } = calls;
  const axisName = node.meta.mapAxis;
  // An axis some node would produce: not even the number of calls is known.
  if (axisName !== undefined && run.slots.get(axisName)?.isUnknown(undefined) && !calls.mapped) {
    const upstream = [...new Set([axisName, ...calls.unknownInputs(undefined)])].sort();
    report.wouldRun(undefined, node.output, node.meta.cache && run.config.enabled ? { reason: "upstream", detail: upstream } : undefined);
    return unknownSlot();
  }
  if (!run.config.enabled || !node.meta.cache) {
    for (let index = 0; index < calls.count; index++) report.wouldRun(calls.itemAt(index), node.output, undefined);
    return unknownSlot();
  }
  if (run.refresh.has(node)) {
    for (let index = 0; index < calls.count; index++) report.wouldRun(calls.itemAt(index), calls.keyOf(calls.itemAt(index)), { reason: "refresh" });
    return unknownSlot();
  }
  const fingerprint = fingerprintNode(node, run.config);
  if (calls.mapped && !run.config.perItemCaching) return lookUpWhole(calls, report, run, fingerprint);
  return lookUpEach(calls, report, run, fingerprint);
}

function unknownSlot(): Slot {
  const slot = new Slot(undefined, "value");
  slot.unknown = "all";
  return slot;
}

/** Each call looked up on its own (the node, or each item). */
function lookUpEach(calls: NodeCalls, report: NodeReport, run: RunContext, fingerprint: NodeFingerprint): MaybePromise<Slot> {
  const values = new Array<unknown>(calls.count);
  const hashes = new Array<string | undefined>(calls.count);
  const unknown = new Set<number>();
  const looked = runPool(calls.count, run.limiter, (index) => {
    const item = calls.itemAt(index);
    const key = calls.keyOf(item);
    const upstream = calls.unknownInputs(item);
    if (upstream.length > 0) {
      unknown.add(index);
      report.wouldRun(item, key, { reason: "upstream", detail: upstream });
      return;
    }
    const inputsText = calls.inputsTextOf(item);
    const started = performance.now();
    return andThen(lookUp(run, calls.node, blobKeyOf(key, fingerprint, inputsText)), (entry) => {
      if (entry) {
        report.hit(item, performance.now() - started);
        values[index] = entry.value;
        hashes[index] = entry.outputHash;
        return;
      }
      unknown.add(index);
      const signature = callSignature(key, fingerprint, inputsText, calls.inputHashes(item, inputsText));
      return andThen(whyMissed(run, signature), (why) => report.wouldRun(item, key, why));
    });
  });
  return andThen(looked, () => {
    if (!calls.mapped) return unknown.size > 0 ? unknownSlot() : new Slot(values[0], "value", hashes[0]);
    const slot = new Slot(values, "mapped", undefined, hashes);
    if (unknown.size > 0) slot.unknown = unknown;
    return slot;
  });
}

/** A mapped node cached as one entry (`perItemCaching: false`): one lookup for all its items. */
function lookUpWhole(calls: NodeCalls, report: NodeReport, run: RunContext, fingerprint: NodeFingerprint): MaybePromise<Slot> {
  report.stats.cachedWhole = true;
  const key = calls.node.output;
  const upstream = calls.unknownInputs(undefined);
  if (upstream.length > 0) {
    report.wouldRun(undefined, key, { reason: "upstream", detail: upstream });
    return unknownSlot();
  }
  const inputsText = calls.inputsTextOf(undefined);
  const started = performance.now();
  return andThen(lookUp(run, calls.node, blobKeyOf(key, fingerprint, inputsText)), (found) => {
    const entry = found && checkedWhole(run, calls.node, found, calls.count);
    if (entry) {
      report.hit(undefined, performance.now() - started);
      return new Slot(entry.value, "mapped", entry.outputHash, entry.itemHashes);
    }
    const signature = callSignature(key, fingerprint, inputsText, calls.inputHashes(undefined, inputsText));
    return andThen(whyMissed(run, signature), (why) => {
      report.wouldRun(undefined, key, why);
      return unknownSlot();
    });
  });
}
