/**
 * The cache protocol for one call: look up the signature's blob; on a miss, read the latest
 * signature of the key (to say why), compute, store the entry, then the signature. A hit on a
 * synchronous backend returns without allocating a closure or a promise.
 */
import type { CacheEntry, MaybePromise, NodeSignature } from "../cache/types.js";
import { hashString } from "../hashing/xxhash.js";
import { andThen, andThenCatch, isPromiseLike } from "../maybe-promise.js";
import { eventFor, inputsTextFor, now, record, recordHit, type Call, type CallResult } from "./call.js";
import { invokeAndHash, type Computed } from "./invoke.js";
import { explainMiss, type MissExplanation } from "./reasons.js";
import { blobKeyOf, signatureParts, type NodeFingerprint } from "./signature.js";
import type { CacheEvent } from "./stats.js";

/** What a miss needs beyond the call: derived once, in `cachedCall`. */
interface Lookup {
  fingerprint: NodeFingerprint;
  key: string;
  /** The input hashes in `shape.sources` order, joined by NUL. */
  inputsText: string;
  /** How to produce the value; by default, call the function for this call's inputs. */
  compute: (() => MaybePromise<Computed>) | undefined;
}

const message = (error: unknown) => (error as Error)?.message ?? String(error);

export function cachedCall(call: Call, fingerprint: NodeFingerprint, compute?: () => MaybePromise<Computed>): MaybePromise<CallResult> {
  // The blob key covers the raw input hashes; `inputsHash` (a hash of the same text) is only
  // needed for the signature, which only a miss writes.
  const inputsText = inputsTextFor(call);
  const key = blobKeyOf(call.nodeName, fingerprint, inputsText);
  const lookupStarted = now();
  let found: MaybePromise<CacheEntry | undefined>;
  try {
    found = call.context.config.backend.getBlob(key);
  } catch (error) {
    found = Promise.reject(error);
  }
  if (!isPromiseLike(found)) {
    return found ? hit(call, found, lookupStarted) : miss(call, { fingerprint, key, inputsText, compute });
  }
  return Promise.resolve(found).then(
    (entry) => (entry ? hit(call, entry, lookupStarted) : miss(call, { fingerprint, key, inputsText, compute })),
    (error: unknown) => {
      call.context.warn(`node "${call.shape.step.node.name}": cache lookup failed, computing instead: ${message(error)}`);
      return miss(call, { fingerprint, key, inputsText, compute });
    },
  );
}

function hit(call: Call, entry: CacheEntry, lookupStarted: number): CallResult {
  recordHit(call, now() - lookupStarted);
  return entry; // an entry has a result's shape: no copy on the hot path
}

function miss(call: Call, lookup: Lookup): MaybePromise<CallResult> {
  const { fingerprint } = lookup;
  const inputs: Record<string, string> = {};
  const inputHashes = lookup.inputsText.split("\u0000");
  call.shape.sources.forEach((source, i) => (inputs[source.name] = inputHashes[i]!));
  const signature: NodeSignature = {
    nodeName: call.nodeName,
    codeHash: fingerprint.codeHash,
    envHash: fingerprint.envHash,
    inputsHash: hashString(lookup.inputsText),
    depsHash: fingerprint.depsHash,
    timestamp: Date.now(),
    parts: signatureParts(fingerprint, inputs),
  };
  return andThenCatch(
    () => call.context.config.backend.getMeta(call.nodeName),
    (previous) => computeAndStore(call, lookup, signature, explainMiss(previous, signature)),
    () => computeAndStore(call, lookup, signature, { reason: "new" }),
  );
}

function computeAndStore(call: Call, lookup: Lookup, signature: NodeSignature, why: MissExplanation): MaybePromise<CallResult> {
  const backend = call.context.config.backend;
  return andThen(lookup.compute ? lookup.compute() : invokeAndHash(call), (result) => {
    const event: CacheEvent = { ...eventFor(call, "miss", result.durationMs ?? 0), ...why };
    const done = (stored: true | string): CallResult => {
      event.stored = stored === true;
      if (stored !== true) event.notStoredReason = stored;
      record(call, event);
      return { value: result.value, outputHash: result.outputHash, itemHashes: result.itemHashes };
    };
    if (result.outputHash === undefined) return done(`its result cannot be hashed: ${result.hashError ?? "unknown"}`);
    const entry: CacheEntry = {
      value: result.value,
      outputHash: result.outputHash,
      createdAt: Date.now(),
      durationMs: event.durationMs,
      nodeName: call.nodeName,
      ...(result.itemHashes ? { itemHashes: result.itemHashes as string[] } : {}),
    };
    return andThenCatch(
      () => backend.setBlob(lookup.key, entry),
      () =>
        andThenCatch(
          () => backend.setMeta(signature),
          () => done(true),
          // The value is stored; only the explanation data is missing. Still a stored result.
          (error) => {
            call.context.warn(`node "${call.shape.step.node.name}": could not record its signature: ${message(error)}`);
            return done(true);
          },
        ),
      (error) => done(message(error)),
    );
  });
}
