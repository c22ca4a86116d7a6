/**
 * Finds the first part of a value that v8 serialisation would refuse or silently change.
 *
 * v8 throws on functions and symbols, but it quietly turns a class instance into a plain object
 * (its prototype, methods and `instanceof` are lost). A cache hit must return what the miss
 * returned, so those are refused too, with the path of the offending part, rather than handing
 * back a different value next run. Symbol-keyed properties are not data (JSON and
 * structuredClone skip them too) and are dropped, as are extra non-index properties of arrays
 * that hold plain data; looking for them would double the cost of the walk.
 */

export interface Unstorable {
  /** `value.model.predict`, `value[3]`, `value.get("k")`. */
  path: string;
  reason: string;
}

/** Prototypes whose instances v8 restores as the same kind of object. */
const FAITHFUL_LEAVES = new Set<object | null>([
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
  BigInt.prototype,
  Buffer.prototype,
  Int8Array.prototype,
  Uint8Array.prototype,
  Uint8ClampedArray.prototype,
  Int16Array.prototype,
  Uint16Array.prototype,
  Int32Array.prototype,
  Uint32Array.prototype,
  Float32Array.prototype,
  Float64Array.prototype,
  BigInt64Array.prototype,
  BigUint64Array.prototype,
]);

/** Built-in errors: v8 keeps their class, message, stack and cause. */
const NATIVE_ERRORS = new Set<object>([
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
]);
const ERROR_OWN_KEYS_KEPT = new Set(["message", "stack", "cause"]);

export function findUnstorable(value: unknown): Unstorable | undefined {
  const found = visit(value, new Set());
  if (!found) return undefined;
  return { path: `value${found.segments.reverse().join("")}`, reason: found.reason };
}

/**
 * What was found, with the path segments from the offending part up to the root (appended while
 * unwinding, so a value with nothing wrong never builds a path string).
 */
interface Found {
  segments: string[];
  reason: string;
}

function under(found: Found | undefined, segment: string | (() => string)): Found | undefined {
  if (found) found.segments.push(typeof segment === "string" ? segment : segment());
  return found;
}

function problem(reason: string): Found {
  return { segments: [], reason };
}

function visit(value: unknown, seen: Set<object>): Found | undefined {
  if (typeof value === "function") return problem(`is a function (${describeFunction(value)}); v8 serialisation cannot store code`);
  if (typeof value === "symbol") return problem(`is a symbol (${String(value)}); v8 serialisation cannot store symbols`);
  if (value === null || typeof value !== "object") return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);

  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Array.prototype) return visitArray(value as unknown[], seen);
  if (proto === Object.prototype || proto === null) return visitObject(value, seen);
  if (proto === Map.prototype) {
    for (const [key, item] of value as Map<unknown, unknown>) {
      const label = () => (typeof key === "string" ? JSON.stringify(key) : typeof key);
      const found = under(visit(key, seen), () => `<key of get(${label()})>`) ?? under(visit(item, seen), () => `.get(${label()})`);
      if (found) return found;
    }
    return undefined;
  }
  if (proto === Set.prototype) {
    let index = 0;
    for (const item of value as Set<unknown>) {
      const found = under(visit(item, seen), `<set item ${index}>`);
      if (found) return found;
      index += 1;
    }
    return undefined;
  }
  if (FAITHFUL_LEAVES.has(proto)) return undefined;
  if (proto !== null && NATIVE_ERRORS.has(proto)) {
    const lost = Object.keys(value).filter((key) => !ERROR_OWN_KEYS_KEPT.has(key));
    if (lost.length > 0) return problem(`is an error with own properties (${lost.join(", ")}) that v8 serialisation would drop`);
    return undefined;
  }
  if (value instanceof Promise) return problem("is a Promise; await it inside the function and return its result");
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    return problem(`is a ${className(value)}, which cannot be serialised`);
  }
  if (value instanceof SharedArrayBuffer) return problem("is a SharedArrayBuffer, which v8 serialisation cannot store");
  return problem(
    `is an instance of class ${className(value)}; v8 serialisation keeps only its own data, so a cache hit ` +
      `would return a plain object without ${className(value)}'s prototype and methods`,
  );
}

function visitArray(array: unknown[], seen: Set<object>): Found | undefined {
  // Arrays of numbers or strings are the common large case: a typeof test per element is all
  // they cost. Extra own properties of an array are kept by v8, so they are visited too.
  for (let index = 0; index < array.length; index += 1) {
    const item = array[index];
    if (item !== null && (typeof item === "object" || typeof item === "function" || typeof item === "symbol")) {
      const found = under(visit(item, seen), () => `[${index}]`);
      if (found) return found;
    }
  }
  return undefined;
}

function visitObject(object: object, seen: Set<object>): Found | undefined {
  const record = object as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    // Primitives other than symbols are always fine: skip the call (and the own-key check).
    if (item === null || (typeof item !== "object" && typeof item !== "function" && typeof item !== "symbol")) continue;
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const found = under(visit(item, seen), () => member(key));
    if (found) return found;
  }
  return undefined;
}

function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "(anonymous)";
}

function describeFunction(fn: Function): string {
  return fn.name ? `${fn.name}()` : "an anonymous function";
}
