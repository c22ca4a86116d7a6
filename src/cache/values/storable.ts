/**
 * Finds the first part of a value that v8 serialisation would refuse or silently change.
 *
 * v8 throws on functions and symbols, but it quietly turns a class instance into a plain object
 * (its prototype, methods and `instanceof` are lost). A cache hit must return what the miss
 * returned, so those are refused too, with the path of the offending part, rather than handing
 * back a different value next run. Symbol-keyed properties are not data (JSON and
 * structuredClone skip them too) and are dropped, as are extra non-index properties of arrays
 * that hold plain data; looking for them would double the cost of the walk.
 *
 * Objects without a prototype (`Object.create(null)`, `Object.groupBy`) are data, but v8 gives
 * them `Object.prototype` back. They are kept: the walk says whether it met one, and then
 * `nullPrototypePaths` lists where they are, so the codec restores them (value-codec.ts).
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
  return checkStorable(value).unstorable;
}

export interface StorableCheck {
  /** The first part that cannot be stored faithfully, if any. */
  unstorable?: Unstorable;
  /** Whether the value holds an object without a prototype (the codec then records where). */
  hasNullPrototype: boolean;
}

/** `findUnstorable`, plus whether the value holds objects the codec must give their null prototype back. */
export function checkStorable(value: unknown): StorableCheck {
  const walk: Walk = { seen: new Set(), hasNullPrototype: false };
  const found = visit(value, walk);
  if (!found) return { hasNullPrototype: walk.hasNullPrototype };
  return { unstorable: { path: `value${found.segments.reverse().join("")}`, reason: found.reason }, hasNullPrototype: walk.hasNullPrototype };
}

interface Walk {
  seen: Set<object>;
  hasNullPrototype: boolean;
}

/**
 * One step from a value to a part of it: a property (of an object or array), the key or the
 * value of the n-th entry of a Map, or the n-th item of a Set.
 */
export type ValueStep = ["p", string] | ["mk", number] | ["mv", number] | ["s", number];

/** Where the objects without a prototype are, each by the first path that reaches it. */
export function nullPrototypePaths(value: unknown): ValueStep[][] {
  const paths: ValueStep[][] = [];
  const seen = new Set<object>();
  const path: ValueStep[] = [];
  const walk = (part: unknown): void => {
    if (part === null || typeof part !== "object" || seen.has(part)) return;
    seen.add(part);
    const proto = Object.getPrototypeOf(part) as object | null;
    if (proto === null) paths.push([...path]);
    if (proto === Map.prototype) {
      let index = 0;
      for (const [key, item] of part as Map<unknown, unknown>) {
        path.push(["mk", index]);
        walk(key);
        path[path.length - 1] = ["mv", index];
        walk(item);
        path.pop();
        index += 1;
      }
    } else if (proto === Set.prototype) {
      let index = 0;
      for (const item of part as Set<unknown>) {
        path.push(["s", index++]);
        walk(item);
        path.pop();
      }
    } else if (proto === Array.prototype) {
      const array = part as unknown[];
      for (let index = 0; index < array.length; index += 1) {
        if (array[index] === null || typeof array[index] !== "object") continue; // the common large case: numbers, strings
        path.push(["p", String(index)]);
        walk(array[index]);
        path.pop();
      }
    } else if (proto === null || proto === Object.prototype) {
      for (const key of Object.keys(part)) {
        path.push(["p", key]);
        walk((part as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(value);
  return paths;
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

function visit(value: unknown, walk: Walk): Found | undefined {
  if (typeof value === "function") return problem(`is a function (${describeFunction(value)}); v8 serialisation cannot store code`);
  if (typeof value === "symbol") return problem(`is a symbol (${String(value)}); v8 serialisation cannot store symbols`);
  if (value === null || typeof value !== "object") return undefined;
  if (walk.seen.has(value)) return undefined;
  walk.seen.add(value);

  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Array.prototype) return visitArray(value as unknown[], walk);
  if (proto === Object.prototype) return visitObject(value, walk);
  if (proto === null) {
    // An array or a Map without a prototype would come back as a plain object: not data daft can restore.
    if (Array.isArray(value) || value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
      return problem("is a built-in object whose prototype was removed; v8 serialisation would return an ordinary one");
    }
    walk.hasNullPrototype = true;
    return visitObject(value, walk);
  }
  if (proto === Map.prototype) {
    for (const [key, item] of value as Map<unknown, unknown>) {
      const label = () => (typeof key === "string" ? JSON.stringify(key) : typeof key);
      const found = under(visit(key, walk), () => `<key of get(${label()})>`) ?? under(visit(item, walk), () => `.get(${label()})`);
      if (found) return found;
    }
    return undefined;
  }
  if (proto === Set.prototype) {
    let index = 0;
    for (const item of value as Set<unknown>) {
      const found = under(visit(item, walk), `<set item ${index}>`);
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

function visitArray(array: unknown[], walk: Walk): Found | undefined {
  // Arrays of numbers or strings are the common large case: a typeof test per element is all
  // they cost. Extra own properties of an array are kept by v8, so they are visited too.
  for (let index = 0; index < array.length; index += 1) {
    const item = array[index];
    if (item !== null && (typeof item === "object" || typeof item === "function" || typeof item === "symbol")) {
      const found = under(visit(item, walk), () => `[${index}]`);
      if (found) return found;
    }
  }
  return undefined;
}

function visitObject(object: object, walk: Walk): Found | undefined {
  const record = object as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    // Primitives other than symbols are always fine: skip the call (and the own-key check).
    if (item === null || (typeof item !== "object" && typeof item !== "function" && typeof item !== "symbol")) continue;
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const found = under(visit(item, walk), () => member(key));
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
