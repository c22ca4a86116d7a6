/**
 * The values every serialising backend (DiskCache, RedisCache…) must give back as they went in,
 * the checks that they did, and the values they must refuse, so each backend's tests cover the
 * same kinds.
 */
import { expect } from "vitest";
import type { CacheEntry, NodeSignature } from "../../src/cache/types.js";

/** One value with every kind v8 serialisation keeps: Map, Set, Date, BigInt, typed arrays, Buffers, RegExp, errors, holes, -0. */
export function everyValueKind() {
  const backing = new ArrayBuffer(64);
  return {
    map: new Map<unknown, unknown>([["a", new Set([1, 2, 3])], [2, { deep: [new Date(86_400_000)] }]]),
    big: 2n ** 70n,
    negativeBig: -5n,
    floats: new Float64Array([1.5, -0, NaN, Infinity]),
    ints: new Int32Array([-1, 2 ** 31 - 1]),
    bigints: new BigUint64Array([2n ** 64n - 1n]),
    bytes: new Uint8Array(backing, 8, 4).fill(7), // a view into a larger buffer
    buffer: Buffer.from("héllo"),
    arrayBuffer: new Uint8Array([9, 8, 7]).buffer,
    regexp: /a+b/gi,
    error: new RangeError("out of range"),
    sparse: [1, , 3], // eslint-disable-line no-sparse-arrays
    nested: { a: [{ b: [null, undefined, true, "s", -0] }] },
  };
}

/** Checks that `read` is `everyValueKind()` come back whole, each typed array owning its memory. */
export function expectEveryValueKind(read: unknown): void {
  const got = read as ReturnType<typeof everyValueKind>;
  expect(got.map).toBeInstanceOf(Map);
  expect(got.map.get("a")).toEqual(new Set([1, 2, 3]));
  expect((got.map.get(2) as { deep: Date[] }).deep[0]).toEqual(new Date(86_400_000));
  expect(got.big).toBe(2n ** 70n);
  expect(got.negativeBig).toBe(-5n);
  expect(got.floats).toBeInstanceOf(Float64Array);
  expect(Array.from(got.floats)).toEqual([1.5, -0, NaN, Infinity]);
  expect(Object.is(got.floats[1], -0)).toBe(true);
  expect(got.ints).toEqual(new Int32Array([-1, 2 ** 31 - 1]));
  expect(got.bigints).toEqual(new BigUint64Array([2n ** 64n - 1n]));
  expect(got.bytes).toBeInstanceOf(Uint8Array);
  expect(Array.from(got.bytes)).toEqual([7, 7, 7, 7]);
  // Each typed array owns its memory: it does not expose the rest of what was read.
  expect(got.bytes.buffer.byteLength).toBe(4);
  expect(got.floats.buffer.byteLength).toBe(32);
  expect(Buffer.isBuffer(got.buffer)).toBe(true);
  expect(got.buffer.toString()).toBe("héllo");
  expect(got.arrayBuffer).toBeInstanceOf(ArrayBuffer);
  expect(Array.from(new Uint8Array(got.arrayBuffer))).toEqual([9, 8, 7]);
  expect(got.regexp).toEqual(/a+b/gi);
  expect(got.error).toBeInstanceOf(RangeError);
  expect(got.error.message).toBe("out of range");
  expect(got.sparse.length).toBe(3);
  expect(1 in got.sparse).toBe(false);
  expect(got.nested).toEqual(everyValueKind().nested);
  expect(Object.is(got.nested.a[0]!.b[4], -0)).toBe(true);
}

export class Model {
  weights = [1, 2];
  predict(): number {
    return 1;
  }
}

/** Values v8 cannot store faithfully: a name, the value, and what the refusal must say. */
export function unstorableValues(): Array<[string, unknown, RegExp]> {
  return [
    ["a function", () => 1, /value is a function/],
    ["a nested method", { model: { predict() {} } }, /value\.model\.predict is a function/],
    ["a symbol", [1, Symbol("s")], /value\[1\] is a symbol/],
    ["a class instance", { model: new Model() }, /value\.model is an instance of class Model/],
    ["a class instance holding a function", { handler: Object.assign(new Model(), { run: () => 1 }) }, /value\.handler/],
    ["a function inside a Map", new Map([["k", () => 1]]), /value\.get\("k"\) is a function/],
    ["a promise", { later: Promise.resolve(1) }, /value\.later is a Promise/],
    ["a WeakMap", new WeakMap(), /WeakMap/],
  ];
}

/** A cache entry as the runner stores it, holding `value`. */
export const entry = (value: unknown, nodeName = "result"): CacheEntry => ({ value, outputHash: `h-${nodeName}`, createdAt: 1_700_000_000_000, durationMs: 12, nodeName });

/** A signature with explanation parts, as the runner records it. */
export const signature = (nodeName: string, timestamp = 1, codeHash = "c"): NodeSignature => ({
  nodeName,
  codeHash,
  envHash: "",
  inputsHash: "i",
  depsHash: "d",
  timestamp,
  parts: { inputs: { x: "hx" }, deps: { "src/a.ts": "ha" } },
});
