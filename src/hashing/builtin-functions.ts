/**
 * Names for the built-in functions of the JavaScript language (`Math.max`, `Number`,
 * `Array.prototype.map`). Their source text is `function max() { [native code] }`, which does not
 * tell `Array.prototype.forEach` from `Map.prototype.forEach`, so they are hashed by the path
 * that reaches them from the global object instead: the same in every process and Node version
 * that has them. Other functions without visible source (bound functions, proxies, addons) have
 * no such name and are refused by the serializer.
 */

/** The globals searched, in this order; the first path found for a function is its name. */
const GLOBAL_NAMES = [
  "Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Math", "JSON",
  "Reflect", "Atomics", "Date", "RegExp", "Map", "Set", "WeakMap", "WeakSet", "WeakRef",
  "FinalizationRegistry", "Promise", "Proxy", "Error", "AggregateError", "EvalError", "RangeError",
  "ReferenceError", "SyntaxError", "TypeError", "URIError", "ArrayBuffer", "SharedArrayBuffer",
  "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
  "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array",
  "BigUint64Array", "Iterator", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURI",
  "encodeURIComponent", "decodeURI", "decodeURIComponent", "escape", "unescape",
];

let paths: Map<Function, string> | undefined;

/** `Math.max`, `Array.prototype.map`, `Number`…, or undefined when `fn` is not a built-in of the language. */
export function builtinFunctionPath(fn: Function): string | undefined {
  paths ??= collectPaths();
  return paths.get(fn);
}

function collectPaths(): Map<Function, string> {
  const found = new Map<Function, string>();
  const add = (fn: unknown, path: string) => {
    if (typeof fn === "function" && !found.has(fn)) found.set(fn, path);
  };
  const addMethods = (holder: unknown, prefix: string) => {
    if ((typeof holder !== "object" && typeof holder !== "function") || holder === null) return;
    for (const key of Object.getOwnPropertyNames(holder).sort()) {
      if (key === "constructor") continue;
      const descriptor = Object.getOwnPropertyDescriptor(holder, key);
      if (descriptor !== undefined && "value" in descriptor) add(descriptor.value, `${prefix}.${key}`);
    }
  };
  const global = globalThis as Record<string, unknown>;
  const typedArray: unknown = Object.getPrototypeOf(Int8Array);
  for (const name of GLOBAL_NAMES) {
    const value = global[name];
    if (value === undefined) continue;
    add(value, name);
    addMethods(value, name);
    if (typeof value === "function") addMethods((value as { prototype?: unknown }).prototype, `${name}.prototype`);
  }
  // The shared base of the typed arrays (%TypedArray%), reachable only through them.
  add(typedArray, "TypedArray");
  addMethods(typedArray, "TypedArray");
  addMethods((typedArray as { prototype?: unknown }).prototype, "TypedArray.prototype");
  return found;
}
