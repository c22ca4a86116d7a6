/**
 * Proxies (Vue `reactive`, MobX observables, Immer drafts, hand-made ones) are hashed by what
 * they show to user code, never by the internal slots of their target, which the serializer's
 * built-in checks cannot see through a proxy (`util.types.isMap(proxy)` is false, so a proxied
 * Map would otherwise hash as an empty object of class Map, like every other proxied Map).
 *
 * The rule, by the built-in class the proxy's prototype chain leads to:
 * - plain objects, class instances, arrays and errors: read through the traps, as before (keys,
 *   property reads), so they hash like the object they show;
 * - Map and Set: their entries as the proxy's own `forEach` lists them (Vue and Immer
 *   instrument it), so they hash like a Map or Set with those entries;
 * - Date and RegExp: `getTime()`, `source` and `flags` read through the proxy;
 * - everything else whose content lives in internal slots (typed arrays and buffers, boxed
 *   primitives, URL, Weak*, iterators) and a Promise: refused, as no trap reveals it;
 * - a function: refused (its source text is hidden by the proxy, see the serializer).
 * A read that throws (a bare proxy whose target's methods reject it as receiver, a revoked
 * proxy) is an error naming the value, never a fallback.
 */
import { isNativeSource } from "../runtime-source/native-source.js";
import { AWAIT_FIX, article } from "./unhashable.js";
import { UnhashablePart } from "./unhashable-error.js";

const UNWRAP_FIX =
  "Pass the value itself or a plain copy (Vue's toRaw(), Immer's current(), structuredClone()), " +
  'or give the object that holds it a [Symbol.for("daft.cacheKey")]() or cacheKey() method.';

/**
 * The name of the first built-in class on a prototype chain (`Map` for a Map or a subclass of
 * it, from any realm), or `Object` when there is none besides Object (plain objects, user classes).
 */
export function builtinKind(proto: object | null): string {
  for (let at = proto; at !== null; at = Object.getPrototypeOf(at) as object | null) {
    const constructor: unknown = Object.getOwnPropertyDescriptor(at, "constructor")?.value;
    if (typeof constructor === "function" && isNativeSource(Function.prototype.toString.call(constructor))) {
      return typeof constructor.name === "string" && constructor.name !== "" ? constructor.name : "Object";
    }
  }
  return "Object";
}

/** Proxied values of a kind whose content no trap reveals. */
export function proxyRefusal(kind: string): UnhashablePart {
  if (kind === "Promise") return new UnhashablePart("a Proxy around a Promise", "its value is not known yet", AWAIT_FIX);
  return new UnhashablePart(
    `a Proxy around ${article(kind)}`,
    `what ${article(kind)} holds sits in internal slots that a proxy does not show`,
    UNWRAP_FIX,
  );
}

/** Why a proxy of a plain-looking kind still cannot be read, or undefined when it can. */
export function plainProxyRefusal(value: object): UnhashablePart | undefined {
  if (value instanceof URL || value instanceof URLSearchParams) return proxyRefusal(value instanceof URL ? "URL" : "URLSearchParams");
  const tag = Object.prototype.toString.call(value);
  if (/Generator\]$|Iterator\]$|Iterator Helper\]$/.test(tag)) {
    return new UnhashablePart(`a Proxy around ${article(tag.slice(8, -1))}`, "its values can only be read by consuming it", UNWRAP_FIX);
  }
  return undefined;
}

/** A proxy whose prototype cannot even be read: revoked, or a trap that throws. */
export function unreadableProxy(error: unknown): UnhashablePart {
  return new UnhashablePart(
    "a Proxy",
    `reading it threw ${String(error)} (a revoked proxy, such as an Immer draft after produce() returned, can no longer be read)`,
    "Hash the value while the proxy is live, or pass a plain copy of it (Vue's toRaw(), Immer's current(), structuredClone()).",
    error,
  );
}

/**
 * Reads part of a value through methods the value itself provides (a proxy's traps, a class's
 * own `forEach`): an error thrown by that code becomes a refusal naming the value, while errors
 * from hashing what it hands over (`fromChild`) pass unchanged.
 */
export function readThrough<T>(what: string, read: () => T, fromChild: (error: unknown) => boolean = () => false): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnhashablePart || (error !== undefined && fromChild(error))) throw error;
    throw new UnhashablePart(what, `reading it threw ${String(error)}`, UNWRAP_FIX, error);
  }
}
