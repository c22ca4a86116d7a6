/**
 * Walks a value and writes its canonical tokens (see tags.ts and hash-value.ts) to the token
 * sink. Hot paths (primitives, plain objects, arrays) are kept branch-light; everything else goes
 * through `writeOther`, which tells built-ins, class instances and unhashable objects apart.
 *
 * Cycles: the objects currently being written form the ancestor stack; meeting one of them again
 * writes a back-reference to it (how many levels up), so a cycle hashes the same wherever it is
 * and whatever the identity of its objects. Objects that are shared but not cyclic are not on
 * the stack when met again, so they are written in full, like copies.
 */
import { types } from "node:util";
import { binaryView } from "./binary.js";
import { NO_TAG, begin, digest, end, writeAscii, writeBytes, writeCount, writeNumber, writeTag, writeText } from "./token-sink.js";
import { Tag } from "./tags.js";
import { article, unhashableObject } from "./unhashable.js";
import { GENERIC_FIX, UnhashablePart } from "./unhashable-error.js";
import { MAP_KEY_SEGMENT, SET_ELEMENT_SEGMENT, indexSegment, mapValueSegment, propertySegment } from "./value-path.js";

const CACHE_KEY = Symbol.for("daft.cacheKey");
const CACHE_KEY_SEGMENT = '[Symbol.for("daft.cacheKey")]()';

/** Objects being written, outermost first. */
const ancestors: object[] = [];
/** Where the current top-level write starts in `ancestors` (a cache key method may hash re-entrantly). */
let base = 0;

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
    return;
  }
  ancestors.push(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    if (!writeCacheKey(value)) writeRecord(value);
  } else if (proto === Array.prototype) {
    if (!writeCacheKey(value)) writeArray(value as unknown[]);
  } else {
    writeOther(value, proto as object);
  }
  ancestors.pop();
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
  let method: unknown = (value as { [CACHE_KEY]?: unknown })[CACHE_KEY];
  let segment = CACHE_KEY_SEGMENT;
  if (typeof method !== "function") {
    method = (value as { cacheKey?: unknown }).cacheKey;
    if (typeof method !== "function") return false;
    segment = ".cacheKey()";
  }
  let key: unknown;
  try {
    key = (method as (this: object) => unknown).call(value);
  } catch (error) {
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
  writeTag(Tag.cacheKey);
  try {
    writeValue(key);
  } catch (error) {
    throw withSegment(error, () => segment);
  }
  return true;
}

/** Everything that is not a primitive, a plain object or a plain array. */
function writeOther(value: object, proto: object): void {
  if (writeCacheKey(value)) return;
  if (typeof value === "function") return writeFunction(value as (...args: unknown[]) => unknown);
  if (Array.isArray(value)) {
    writeSubclassName(proto, "Array");
    return writeArray(value);
  }
  const binary = binaryView(value);
  if (binary !== undefined) {
    writeSubclassName(proto, binary.kind);
    writeText(Tag.bytes, binary.kind);
    writeCount(binary.bytes.byteLength);
    writeBytes(binary.bytes);
    return;
  }
  if (types.isMap(value)) {
    writeSubclassName(proto, "Map");
    return writeMap(value);
  }
  if (types.isSet(value)) {
    writeSubclassName(proto, "Set");
    return writeSet(value);
  }
  if (types.isDate(value)) {
    writeSubclassName(proto, "Date");
    writeTag(Tag.date);
    writeAscii("" + Date.prototype.getTime.call(value));
    writeTag(Tag.end);
    return;
  }
  if (types.isRegExp(value)) {
    writeSubclassName(proto, "RegExp");
    const { source, flags } = value as RegExp;
    writeTag(Tag.regexp);
    writeText(Tag.string, source);
    writeText(Tag.string, flags);
    return;
  }
  if (types.isNativeError(value) || value instanceof Error) return writeError(value as Error, proto);
  if (types.isBoxedPrimitive(value)) return writeBoxed(value, proto);
  if (value instanceof URL || value instanceof URLSearchParams) {
    const kind = value instanceof URL ? "URL" : "URLSearchParams";
    writeSubclassName(proto, kind);
    writeText(Tag.text, kind);
    writeText(Tag.string, String(value));
    return;
  }
  const className = constructorName(proto);
  const unhashable = unhashableObject(value, className);
  if (unhashable !== undefined) throw unhashable;
  // An object from another realm (vm context) with that realm's Object.prototype is plain too.
  if (className === "Object" && Object.getPrototypeOf(proto) === null) return writeRecord(value);
  writeText(Tag.instance, className);
  writeRecord(value);
}

function writeFunction(value: (...args: unknown[]) => unknown): void {
  const source = Function.prototype.toString.call(value);
  if (source.endsWith("[native code] }") && typeof value.name === "string" && value.name.startsWith("bound ")) {
    throw new UnhashablePart(
      `a bound function (${value.name === "bound " ? "bound (anonymous)" : value.name})`,
      "its source text shows neither the function it wraps nor the bound values",
      'Pass the original function, or give the bound one a [Symbol.for("daft.cacheKey")]() method.',
    );
  }
  writeTag(Tag.function);
  writeText(Tag.string, source);
}

function writeMap(value: Map<unknown, unknown>): void {
  const digests: string[] = [];
  Map.prototype.forEach.call(value, (entryValue: unknown, entryKey: unknown) => {
    begin();
    try {
      try {
        writeValue(entryKey);
      } catch (error) {
        throw withSegment(error, () => MAP_KEY_SEGMENT);
      }
      try {
        writeValue(entryValue);
      } catch (error) {
        throw withSegment(error, () => mapValueSegment(entryKey));
      }
      digests.push(digest());
    } finally {
      end();
    }
  });
  writeDigests(Tag.map, digests);
}

function writeSet(value: Set<unknown>): void {
  const digests: string[] = [];
  Set.prototype.forEach.call(value, (element: unknown) => {
    begin();
    try {
      writeValue(element);
      digests.push(digest());
    } catch (error) {
      throw withSegment(error, () => SET_ELEMENT_SEGMENT);
    } finally {
      end();
    }
  });
  writeDigests(Tag.set, digests);
}

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
