/**
 * Walks a value and writes its canonical tokens (see tags.ts and hash-value.ts) to the token
 * sink. Hot paths (primitives, plain objects, arrays) are kept branch-light; everything else goes
 * through `writeOther`, which tells built-ins, class instances and unhashable objects apart.
 *
 * Cycles: the objects currently being written form the ancestor stack; meeting one of them again
 * writes a back-reference to it (how many levels up), so a cycle hashes the same wherever it is
 * and whatever the identity of its objects.
 *
 * Shared parts: a container nested in the value (a record, array, class instance, Map, Set,
 * Error, or an object with a cache key method) is written in full when its tokens fit
 * INLINE_BYTES_MAX bytes, else as its digest (token-sink.ts). The tokens written for a container
 * are remembered by identity for the rest of the call when they are a digest, and always for a
 * Map or Set (whose tokens are digests of entries, so cheap to write but not to compute): a part
 * shared at many places (a DAG) is walked once, and since what is written depends on the content
 * only, the value hashes exactly like a copy without sharing. A container holding a
 * back-reference to an object outside it is not remembered: its tokens depend on where it is
 * met. Containers are only tracked in the sink's `tracking` mode (a value's second attempt, when
 * it is larger than that): the calls that would track them stay tiny otherwise, so small values
 * are hashed as fast as without them.
 */
import { types } from "node:util";
import { isNativeSource } from "../runtime-source/native-source.js";
import { binaryView } from "./binary.js";
import { builtinFunctionPath } from "./builtin-functions.js";
import { builtinKind, plainProxyRefusal, proxyRefusal, readThrough, unreadableProxy } from "./proxies.js";
import {
  NO_TAG,
  begin,
  closeContainer,
  digest,
  end,
  openContainer,
  RETRY_TRACKED,
  tracking,
  writeAscii,
  writeBytes,
  writeCount,
  writeNumber,
  writeTag,
  writeText,
} from "./token-sink.js";
import { Tag } from "./tags.js";
import { article, unhashableObject } from "./unhashable.js";
import { GENERIC_FIX, UnhashablePart } from "./unhashable-error.js";
import { MAP_KEY_SEGMENT, SET_ELEMENT_SEGMENT, indexSegment, mapValueSegment, propertySegment } from "./value-path.js";

const CACHE_KEY = Symbol.for("daft.cacheKey");
const CACHE_KEY_SEGMENT = '[Symbol.for("daft.cacheKey")]()';
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;

/** Objects being written, outermost first. */
const ancestors: object[] = [];
/** Where the current top-level write starts in `ancestors` (a cache key method may hash re-entrantly). */
let base = 0;
/** The tokens remembered for containers in this call, by identity (tracked attempts only; created at the first one). */
let knownTokens: Map<object, Uint8Array> | undefined;
/** The ancestor index each back-reference of this call points to, in order (tracked attempts only). */
const backReferences: number[] = [];

/** Writes the canonical tokens of `value` to the sink (between the caller's begin/digest/end). */
export function writeCanonical(value: unknown): void {
  const outerBase = base;
  base = ancestors.length;
  try {
    writeValue(value);
  } catch (error) {
    // Normal completion pops every push; only an error leaves ancestors behind. (Setting
    // `length` unconditionally would cost more than hashing a small object's keys.)
    ancestors.length = base;
    throw error;
  } finally {
    base = outerBase;
  }
}

/** Ends a tracked attempt at a value: what was remembered about its parts is let go. */
export function forgetTrackedParts(): void {
  knownTokens = undefined;
  backReferences.length = 0;
}

function writeValue(value: unknown): void {
  switch (typeof value) {
    case "string":
      writeText(Tag.string, value);
      return;
    case "number":
      writeNumber(value);
      return;
    case "object":
      if (value === null) writeTag(Tag.null);
      else writeObject(value);
      return;
    case "boolean":
      writeTag(value ? Tag.true : Tag.false);
      return;
    case "undefined":
      writeTag(Tag.undefined);
      return;
    case "bigint":
      writeTag(Tag.bigint);
      writeAscii("" + value);
      writeTag(Tag.end);
      return;
    case "function":
      writeObject(value);
      return;
    case "symbol":
      throw new UnhashablePart(
        `a Symbol (${String(value)})`,
        "a symbol has no identity that carries over to another process",
        'Use a string instead, or give the object that holds it a [Symbol.for("daft.cacheKey")]() or cacheKey() method.',
      );
  }
}

function writeObject(value: object): void {
  const index = ancestors.lastIndexOf(value);
  if (index >= base) {
    writeTag(Tag.backReference);
    writeCount(ancestors.length - 1 - index);
    if (tracking) backReferences.push(index);
    return;
  }
  // Kept apart so this hot path stays as small as it was before containers (V8 inlines it whole).
  if (tracking) return writeTrackedObject(value);
  const proto = prototypeOf(value);
  ancestors.push(value);
  if (proto === Object.prototype || proto === null) {
    if (!writeCacheKey(value)) writeRecord(value);
  } else if (proto === Array.prototype) {
    if (!writeCacheKey(value)) writeArray(value as unknown[]);
  } else {
    writeOther(value, proto as object);
  }
  ancestors.pop();
}

/** `writeObject` when containers are tracked: remembered tokens, and plain records and arrays as containers. */
function writeTrackedObject(value: object): void {
  const known = knownTokens?.get(value);
  if (known !== undefined) return writeBytes(known);
  const proto = prototypeOf(value);
  ancestors.push(value);
  if (proto === Object.prototype || proto === null || proto === Array.prototype) {
    if (!writeCacheKey(value)) {
      const mark = openTrackedContainer();
      if (proto === Array.prototype) writeArray(value as unknown[]);
      else writeRecord(value);
      if (mark >= 0) closeTrackedContainer(value, mark, false);
    }
  } else {
    writeOther(value, proto as object);
  }
  ancestors.pop();
}

/** Only a proxy can throw here (revoked, or a throwing trap). */
function prototypeOf(value: object): unknown {
  try {
    return Object.getPrototypeOf(value);
  } catch (error) {
    throw unreadableProxy(error);
  }
}

/**
 * Starts the container on top of `ancestors` (the value itself is never one: it is the hash).
 * Returns the mark `leaveContainer` needs: -1 when untracked or for the value itself, else the
 * back-reference count.
 */
function enterContainer(): number {
  return tracking ? openTrackedContainer() : -1;
}

/** `collection`: a Map or Set, remembered even when written in full (see the module comment). */
function leaveContainer(value: object, mark: number, collection = false): void {
  if (mark >= 0) closeTrackedContainer(value, mark, collection);
}

function openTrackedContainer(): number {
  if (ancestors.length - 1 === base) return -1;
  openContainer();
  return backReferences.length;
}

function closeTrackedContainer(value: object, mark: number, collection: boolean): void {
  const tokens = closeContainer(collection);
  if (tokens === undefined) return;
  // `value` is still on top of `ancestors`: a back-reference to a lower index leaves it.
  const index = ancestors.length - 1;
  for (let i = mark; i < backReferences.length; i++) if (backReferences[i]! < index) return;
  (knownTokens ??= new Map()).set(value, tokens);
}

function writeRecord(value: object): void {
  const keys = sortKeys(Object.keys(value));
  writeTag(Tag.record);
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const key = keys[i]!;
      writeText(NO_TAG, key);
      writeValue((value as Record<string, unknown>)[key]);
    }
  } catch (error) {
    throw withSegment(error, () => propertySegment(keys[i]!));
  }
  writeTag(Tag.recordEnd);
}

function writeArray(value: unknown[]): void {
  writeTag(Tag.array);
  const length = value.length;
  let i = 0;
  try {
    for (; i < length; i++) {
      const element = value[i];
      if (element === undefined && !(i in value)) writeTag(Tag.hole);
      else writeValue(element);
    }
  } catch (error) {
    throw withSegment(error, () => indexSegment(i));
  }
  writeTag(Tag.arrayEnd);
}

/** Hashes the object by what its cache key method returns; false when it has none. */
function writeCacheKey(value: object): boolean {
  const method: unknown = (value as { [CACHE_KEY]?: unknown })[CACHE_KEY];
  if (typeof method === "function") return writeKeyed(value, method, CACHE_KEY_SEGMENT);
  const fallback: unknown = (value as { cacheKey?: unknown }).cacheKey;
  if (typeof fallback === "function") return writeKeyed(value, fallback, ".cacheKey()");
  return false;
}

/** Apart from writeCacheKey, which every object passes through, so that one stays small. */
function writeKeyed(value: object, method: Function, segment: string): true {
  let key: unknown;
  try {
    key = (method as (this: object) => unknown).call(value);
  } catch (error) {
    if (error === RETRY_TRACKED) throw error; // from a hashValue inside the method: the whole value starts again
    const methodName = segment === ".cacheKey()" ? "cacheKey()" : segment;
    throw new UnhashablePart(
      describeObject(value),
      `its ${methodName} method threw ${String(error)}`,
      "Fix the method so it returns a hashable value.",
      error,
    );
  }
  if (key === value) {
    throw new UnhashablePart(
      describeObject(value),
      "its cache key method returned the object itself",
      "Return the data that identifies the object instead (an id, a version, its fields).",
    );
  }
  const mark = enterContainer();
  writeTag(Tag.cacheKey);
  try {
    writeValue(key);
  } catch (error) {
    throw withSegment(error, () => segment);
  }
  leaveContainer(value, mark);
  return true;
}

/** Everything that is not a primitive, a plain object or a plain array. */
function writeOther(value: object, proto: object): void {
  if (writeCacheKey(value)) return;
  if (typeof value === "function") return writeFunction(value);
  const binary = binaryView(value);
  if (binary !== undefined) {
    writeSubclassName(proto, binary.kind);
    writeText(Tag.bytes, binary.kind);
    writeCount(binary.bytes.byteLength);
    writeBytes(binary.bytes);
    return;
  }
  if (types.isDate(value)) return writeDate(proto, Date.prototype.getTime.call(value));
  if (types.isRegExp(value)) return writeRegExp(proto, (value as RegExp).source, (value as RegExp).flags);
  if (types.isBoxedPrimitive(value)) return writeBoxed(value, proto);
  // (The util.types checks above and below are false for a proxy, whatever its target.)
  if ((value instanceof URL || value instanceof URLSearchParams) && !types.isProxy(value)) {
    const kind = value instanceof URL ? "URL" : "URLSearchParams";
    writeSubclassName(proto, kind);
    writeText(Tag.text, kind);
    writeText(Tag.string, String(value));
    return;
  }
  const mark = enterContainer();
  let collection = false;
  if (Array.isArray(value)) {
    writeSubclassName(proto, "Array");
    writeArray(value);
  } else if (types.isMap(value)) {
    writeSubclassName(proto, "Map");
    const forEach = ownForEach(value, mapForEach);
    writeMap(value, forEach, forEach === mapForEach ? undefined : describeObject(value));
    collection = true;
  } else if (types.isSet(value)) {
    writeSubclassName(proto, "Set");
    const forEach = ownForEach(value, setForEach);
    writeSet(value, forEach, forEach === setForEach ? undefined : describeObject(value));
    collection = true;
  } else if (types.isProxy(value)) {
    collection = writeProxied(value, proto);
  } else if (types.isNativeError(value) || value instanceof Error) {
    writeError(value as Error, proto);
  } else {
    writeInstance(value, proto);
  }
  leaveContainer(value, mark, collection);
}

/**
 * A Map or Set is read the way user code reads it: through its own `forEach` when its class
 * replaces the built-in one (an Immer draft keeps its entries elsewhere and leaves the built-in
 * storage empty), else through the built-in one.
 */
function ownForEach<F>(value: object, builtin: F): F {
  const own: unknown = (value as { forEach?: unknown }).forEach;
  return typeof own === "function" && own !== builtin ? (own as F) : builtin;
}

function writeInstance(value: object, proto: object): void {
  const className = constructorName(proto);
  const unhashable = unhashableObject(value, className);
  if (unhashable !== undefined) throw unhashable;
  // An object from another realm (vm context) with that realm's Object.prototype is plain too.
  if (className === "Object" && Object.getPrototypeOf(proto) === null) return writeRecord(value);
  writeText(Tag.instance, className);
  writeRecord(value);
}

/** A Proxy, by what it shows (see proxies.ts); true when it is a Map or Set. Arrays were handled by the caller. */
function writeProxied(value: object, proto: object): boolean {
  const kind = builtinKind(proto);
  const what = `a Proxy around ${article(kind)}`;
  switch (kind) {
    case "Object": {
      const refusal = plainProxyRefusal(value);
      if (refusal !== undefined) throw refusal;
      writeInstance(value, proto);
      return false;
    }
    case "Map":
      writeSubclassName(proto, "Map");
      writeMap(value as Map<unknown, unknown>, readThrough(what, () => methodOf(value, "forEach") as Map<unknown, unknown>["forEach"]), what);
      return true;
    case "Set":
      writeSubclassName(proto, "Set");
      writeSet(value as Set<unknown>, readThrough(what, () => methodOf(value, "forEach") as Set<unknown>["forEach"]), what);
      return true;
    case "Date":
      writeDate(proto, readThrough(what, () => (methodOf(value, "getTime") as () => number).call(value)));
      return false;
    case "RegExp": {
      const [source, flags] = readThrough(what, () => [String((value as RegExp).source), String((value as RegExp).flags)]);
      writeRegExp(proto, source, flags);
      return false;
    }
  }
  if (value instanceof Error || /Error$/.test(kind)) {
    writeError(value as Error, proto);
    return false;
  }
  throw proxyRefusal(kind);
}

function methodOf(value: object, name: string): Function {
  const method: unknown = (value as Record<string, unknown>)[name];
  if (typeof method !== "function") throw new TypeError(`its ${name} is not a function`);
  return method;
}

function writeDate(proto: object, time: number): void {
  writeSubclassName(proto, "Date");
  writeTag(Tag.date);
  writeAscii("" + time);
  writeTag(Tag.end);
}

function writeRegExp(proto: object, source: string, flags: string): void {
  writeSubclassName(proto, "RegExp");
  writeTag(Tag.regexp);
  writeText(Tag.string, source);
  writeText(Tag.string, flags);
}

/**
 * By source text. A function whose source is hidden (`[native code]`) is a built-in of the
 * language, hashed by its path (`Math.max`), or refused: its text alone would make every bound
 * function, proxied function and same-named native hash alike.
 */
function writeFunction(value: Function): void {
  const source = Function.prototype.toString.call(value);
  if (!isNativeSource(source)) {
    writeTag(Tag.function);
    writeText(Tag.string, source);
    return;
  }
  const path = builtinFunctionPath(value);
  if (path !== undefined) return writeText(Tag.builtin, path);
  if (types.isProxy(value)) {
    throw new UnhashablePart("a Proxy around a function", "the proxy hides the function's source text", GENERIC_FIX);
  }
  const name = typeof value.name === "string" ? value.name : "";
  if (name.startsWith("bound ")) {
    throw new UnhashablePart(
      `a bound function (${name === "bound " ? "bound (anonymous)" : name})`,
      "its source text shows neither the function it wraps nor the bound values",
      'Pass the original function, or give the bound one a [Symbol.for("daft.cacheKey")]() method.',
    );
  }
  throw new UnhashablePart(
    `a native function (${name || "anonymous"})`,
    "its source text is hidden ([native code]), so it cannot be told apart from other native functions",
    'Pass a JavaScript function, or a name that says which one to use, or give the object that holds it a [Symbol.for("daft.cacheKey")]() or cacheKey() method.',
  );
}

/**
 * `owner` names the value when `forEach` is user code (a proxy's, a class's own), whose errors
 * are reported as the value's; undefined for the built-in `forEach` of a real Map, which cannot fail.
 */
function writeMap(value: Map<unknown, unknown>, forEach: Map<unknown, unknown>["forEach"], owner: string | undefined): void {
  const entryDigests: string[] = [];
  const each = (entryValue: unknown, entryKey: unknown) => {
    begin();
    try {
      try {
        writeValue(entryKey);
      } catch (error) {
        throw withSegment((childError = error), () => MAP_KEY_SEGMENT);
      }
      try {
        writeValue(entryValue);
      } catch (error) {
        throw withSegment((childError = error), () => mapValueSegment(entryKey));
      }
      entryDigests.push(digest());
    } finally {
      end();
    }
  };
  if (owner === undefined) forEach.call(value, each);
  else readThrough(owner, () => forEach.call(value, each), isChildError);
  writeDigests(Tag.map, entryDigests);
}

function writeSet(value: Set<unknown>, forEach: Set<unknown>["forEach"], owner: string | undefined): void {
  const elementDigests: string[] = [];
  const each = (element: unknown) => {
    begin();
    try {
      writeValue(element);
      elementDigests.push(digest());
    } catch (error) {
      throw withSegment((childError = error), () => SET_ELEMENT_SEGMENT);
    } finally {
      end();
    }
  };
  if (owner === undefined) forEach.call(value, each);
  else readThrough(owner, () => forEach.call(value, each), isChildError);
  writeDigests(Tag.set, elementDigests);
}

/**
 * The last error thrown while hashing an entry handed over by a `forEach`: one passing through
 * user code (a proxy's or a class's `forEach`) is reported as it is, not as that code's failure.
 */
let childError: unknown;
const isChildError = (error: unknown): boolean => error === childError;

/** Order-free collections: one digest per entry, sorted, so insertion order does not matter. */
function writeDigests(tag: number, digests: string[]): void {
  digests.sort();
  writeTag(tag);
  writeCount(digests.length);
  for (const entryDigest of digests) writeAscii(entryDigest);
}

function writeError(value: Error, proto: object): void {
  const className = constructorName(proto);
  const name = String(value.name);
  const message = String(value.message);
  writeText(Tag.error, className);
  writeText(Tag.string, name);
  writeText(Tag.string, message);
  writeRecord(value);
}

function writeBoxed(value: object, proto: object): void {
  if (types.isSymbolObject(value)) {
    throw new UnhashablePart(
      `a boxed Symbol (${String(Symbol.prototype.valueOf.call(value))})`,
      "a symbol has no identity that carries over to another process",
      GENERIC_FIX,
    );
  }
  let primitive: unknown;
  let kind: string;
  if (types.isNumberObject(value)) [primitive, kind] = [Number.prototype.valueOf.call(value), "Number"];
  else if (types.isStringObject(value)) [primitive, kind] = [String.prototype.valueOf.call(value), "String"];
  else if (types.isBooleanObject(value)) [primitive, kind] = [Boolean.prototype.valueOf.call(value), "Boolean"];
  else [primitive, kind] = [BigInt.prototype.valueOf.call(value), "BigInt"];
  writeSubclassName(proto, kind);
  writeTag(Tag.boxed);
  writeValue(primitive);
}

/** Marks instances of a subclass of a built-in (a Buffer is a Uint8Array of class Buffer). */
function writeSubclassName(proto: object, builtinName: string): void {
  const name = constructorName(proto);
  if (name !== builtinName) writeText(Tag.subclass, name);
}

function constructorName(proto: object | null): string {
  if (proto === null) return "";
  const constructor = (proto as { constructor?: unknown }).constructor;
  if (typeof constructor !== "function") return "";
  const name: unknown = constructor.name;
  return typeof name === "string" ? name : "";
}

function describeObject(value: object): string {
  if (typeof value === "function") return `the function ${value.name || "(anonymous)"}`;
  const name = constructorName(Object.getPrototypeOf(value) as object | null);
  return name === "Object" || name === "" ? "the object" : article(name);
}

/**
 * Sorts keys by UTF-16 code units (the order of `Array.prototype.sort()` without a comparator).
 * Insertion sort for the usual handful of keys: the built-in sort costs ~100 ns of setup, more
 * than hashing a small object.
 */
function sortKeys(keys: string[]): string[] {
  const count = keys.length;
  if (count > 24) return keys.sort();
  for (let i = 1; i < count; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** Adds a path segment to an UnhashablePart passing through; other errors pass unchanged. */
function withSegment(error: unknown, segment: () => string): unknown {
  if (error instanceof UnhashablePart) error.segments.push(segment());
  return error;
}
