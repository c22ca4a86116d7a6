/**
 * Which objects are not data. Hashing them by their visible properties would be unstable or,
 * worse, would make different live things hash alike (every Promise has no own properties), so
 * they are refused with an error instead of falling back to identity. The rule: a value is
 * refused when its content is not known yet (Promise), can only be read by consuming it
 * (generators, iterators, streams), cannot be enumerated (WeakMap, WeakSet, WeakRef), or is a
 * live resource rather than data (anything that emits events: sockets, streams, servers,
 * processes, workers, file handles, AbortSignal, MessagePort; timers; native handles and the
 * objects that hold one under a `k…Handle` symbol, as Node's own classes do; crypto keys).
 */
import { EventEmitter } from "node:events";
import { types } from "node:util";
import { UnhashablePart } from "./unhashable-error.js";

const liveResourceWhy = "it is a live resource, not data";
export const AWAIT_FIX =
  'Await it and pass the result, or give the object that holds it a [Symbol.for("daft.cacheKey")]() or cacheKey() method.';
const COLLECT_FIX =
  'Collect its values first (e.g. into an array), or give the object that holds it a [Symbol.for("daft.cacheKey")]() or cacheKey() method.';

/** Timeout and Immediate have ordinary-looking properties, so they are recognised by prototype. */
const timerPrototypes = new Set<object>();
{
  const timeout: unknown = setTimeout(() => {}, 0);
  clearTimeout(timeout as NodeJS.Timeout);
  const immediate: unknown = setImmediate(() => {});
  clearImmediate(immediate as NodeJS.Immediate);
  for (const handle of [timeout, immediate]) {
    if (typeof handle === "object" && handle !== null) timerPrototypes.add(Object.getPrototypeOf(handle) as object);
  }
}

/** Globals that exist in some runtimes only. */
function globalClass(name: string): (abstract new (...args: never[]) => object) | undefined {
  const found = (globalThis as Record<string, unknown>)[name];
  return typeof found === "function" ? (found as abstract new (...args: never[]) => object) : undefined;
}
const WeakRefClass = globalClass("WeakRef");
const FinalizationRegistryClass = globalClass("FinalizationRegistry");
const EventTargetClass = globalClass("EventTarget");

/**
 * Web streams and fetch bodies are recognised by their `Symbol.toStringTag` first and confirmed
 * with `instanceof` only then: merely reading `globalThis.Response` makes Node load its fetch
 * implementation (~25 ms), which `import "daft"` must not pay for. An object carrying such a
 * tag exists only once its class was loaded anyway.
 */
const STREAM_TAGS = new Set(["ReadableStream", "WritableStream", "TransformStream"]);
const BODY_TAGS = new Set(["Blob", "File", "Request", "Response"]);

function isInstanceOfTagged(value: object, tags: ReadonlySet<string>): boolean {
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag !== "string" || !tags.has(tag)) return false;
  const found = globalClass(tag);
  return found !== undefined && value instanceof found;
}

/** Why `value` cannot be hashed, or undefined when it is ordinary data. */
export function unhashableObject(value: object, className: string): UnhashablePart | undefined {
  if (types.isPromise(value)) return new UnhashablePart(article(className || "Promise"), "its value is not known yet", AWAIT_FIX);
  if (types.isWeakMap(value) || types.isWeakSet(value)) {
    return new UnhashablePart(article(types.isWeakMap(value) ? "WeakMap" : "WeakSet"), "its entries cannot be listed");
  }
  if ((WeakRefClass && value instanceof WeakRefClass) || (FinalizationRegistryClass && value instanceof FinalizationRegistryClass)) {
    return new UnhashablePart(article(className), "what it refers to can vanish at any time");
  }
  if (types.isGeneratorObject(value)) {
    return new UnhashablePart("a generator object", "its values can only be read by consuming it", COLLECT_FIX);
  }
  if (types.isMapIterator(value) || types.isSetIterator(value) || isBuiltinIterator(value)) {
    return new UnhashablePart(`an ${Object.prototype.toString.call(value).slice(8, -1)}`, "its values can only be read by consuming it", COLLECT_FIX);
  }
  if (value instanceof EventEmitter || isEventEmitterLike(value)) return new UnhashablePart(kindOf(className, "EventEmitter"), liveResourceWhy);
  if (EventTargetClass && value instanceof EventTargetClass) return new UnhashablePart(kindOf(className, "EventTarget"), liveResourceWhy);
  if (isInstanceOfTagged(value, STREAM_TAGS)) {
    return new UnhashablePart(article(className), "its data can only be read by consuming it", COLLECT_FIX);
  }
  if (isInstanceOfTagged(value, BODY_TAGS)) {
    return new UnhashablePart(
      article(className),
      "its body can only be read asynchronously",
      'Read it first (e.g. `new Uint8Array(await blob.arrayBuffer())`) and pass the bytes, or give it a [Symbol.for("daft.cacheKey")]() or cacheKey() method.',
    );
  }
  if (timerPrototypes.has(Object.getPrototypeOf(value) as object)) return new UnhashablePart(kindOf(className, "timer"), liveResourceWhy);
  if (types.isExternal(value)) return new UnhashablePart("a native handle", liveResourceWhy);
  if (types.isKeyObject(value) || types.isCryptoKey(value)) {
    return new UnhashablePart(kindOf(className, "crypto key"), "its key material is not part of its visible properties");
  }
  if (holdsNativeHandle(value)) return new UnhashablePart(kindOf(className, "native handle wrapper"), liveResourceWhy);
  return undefined;
}

/** Node's mixed-in emitters (FileHandle) are not `instanceof EventEmitter`, but quack like one. */
function isEventEmitterLike(value: object): boolean {
  const candidate = value as { on?: unknown; emit?: unknown; removeListener?: unknown };
  return typeof candidate.on === "function" && typeof candidate.emit === "function" && typeof candidate.removeListener === "function";
}

/** Node keeps the native side of its objects (Dir, ECDH…) under a symbol named `kHandle`, `kDirHandle`… */
function holdsNativeHandle(value: object): boolean {
  for (const key of Object.getOwnPropertySymbols(value)) {
    if (/Handle$/.test(key.description ?? "")) return true;
  }
  return false;
}

/** Array, String, RegExp String and iterator-helper iterators (Map and Set have util checks). */
function isBuiltinIterator(value: object): boolean {
  const tag = Object.prototype.toString.call(value);
  return tag.endsWith(" Iterator]") || tag === "[object Iterator Helper]";
}

/** `a Socket (an EventEmitter)`, or just `an EventEmitter` when that is the class. */
function kindOf(className: string, family: string): string {
  return className === family ? article(family) : `${article(className)} (${article(family)})`;
}

export function article(name: string): string {
  if (name === "") return "an instance of an anonymous class";
  return /^[AEIOUaeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
