/**
 * Proxies are hashed by what they show to user code (their traps and methods), never by the
 * internal slots of their target, which a proxy hides: a proxied Map, Set or Date used to hash
 * like every other proxied one of its kind. Values a proxy cannot show are refused, and revoked
 * proxies give a clear error. Real libraries (Vue's reactivity, Immer) and hand-made proxies.
 */
import { reactive, readonly, shallowReactive, toRaw } from "@vue/reactivity";
import { current, enableMapSet, produce } from "immer";
import { describe, expect, it } from "vitest";
import { CacheConfig, func, InputHashError, MemoryCache, Pipeline, Runner } from "../../src/index.js";
import { hashValue } from "../../src/hashing/hash-value.js";
import { refusal } from "../helpers/hash-refusal.js";

enableMapSet();

/** A handler that calls the target's methods on the target, as many wrapper libraries do. */
const forwarding: ProxyHandler<object> = {
  get(target, key) {
    const found: unknown = Reflect.get(target, key, target);
    return typeof found === "function" ? found.bind(target) : found;
  },
};

describe("Vue reactive values", () => {
  it("a reactive Map or Set hashes like its entries, and two different ones differ", () => {
    const first = reactive(new Map<string, unknown>([["a", 1], ["b", { deep: [1, 2] }]]));
    const second = reactive(new Map<string, unknown>([["a", 2]]));
    expect(hashValue(first)).toBe(hashValue(new Map<string, unknown>([["a", 1], ["b", { deep: [1, 2] }]])));
    expect(hashValue(first)).not.toBe(hashValue(second));
    const before = hashValue(first);
    first.set("c", 3);
    expect(hashValue(first)).not.toBe(before);

    const set = reactive(new Set([1, 2]));
    expect(hashValue(set)).toBe(hashValue(new Set([1, 2])));
    expect(hashValue(set)).not.toBe(hashValue(reactive(new Set([3]))));
  });

  it("reactive, readonly and shallow objects, arrays and class instances hash like their raw values", () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const raw = { list: [1, { a: "b" }], point: new Point(1, 2), map: new Map([["k", new Set(["v"])]]) };
    const state = reactive(raw);
    for (const view of [state, readonly(raw), shallowReactive(raw), { nested: state }]) {
      expect(hashValue(view)).toBe(hashValue("nested" in view ? { nested: raw } : raw));
    }
    expect(toRaw(state)).toBe(raw);
    state.point.x = 5;
    expect(hashValue(state)).not.toBe(hashValue({ list: [1, { a: "b" }], point: new Point(1, 2), map: new Map([["k", new Set(["v"])]]) }));
  });

  it("in a cached pipeline, a different reactive Map is a miss, the same content a hit", async () => {
    let calls = 0;
    const count = func({ output: "count", cache: true }, ({ index }: { index: Map<string, number> }) => {
      calls++;
      return [...index.values()].reduce((sum, n) => sum + n, 0);
    });
    const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false }) });
    const pipeline = new Pipeline({ functions: [count] });
    expect((await runner.run(pipeline, { index: reactive(new Map([["a", 1]])) })).count).toBe(1);
    expect((await runner.run(pipeline, { index: reactive(new Map([["a", 1], ["b", 41]])) })).count).toBe(42);
    expect((await runner.run(pipeline, { index: reactive(new Map([["b", 41], ["a", 1]])) })).count).toBe(42);
    expect(calls).toBe(2);
  });
});

describe("Immer drafts", () => {
  it("object and array drafts hash like their current state; Map and Set drafts by their entries", () => {
    produce({ doc: { title: "a", tags: ["x"] }, index: new Map([["k", { n: 1 }]]), seen: new Set(["s"]) }, (draft) => {
      expect(hashValue(draft.doc)).toBe(hashValue(current(draft.doc)));
      expect(hashValue(draft.doc.tags)).toBe(hashValue(["x"]));
      const docBefore = hashValue(draft.doc);
      draft.doc.tags.push("y");
      expect(hashValue(draft.doc)).not.toBe(docBefore);

      // Immer's Map and Set drafts are subclasses whose built-in storage stays empty: they are
      // read through their own forEach.
      const mapBefore = hashValue(draft.index);
      const setBefore = hashValue(draft.seen);
      draft.index.set("other", { n: 2 });
      draft.seen.add("t");
      expect(hashValue(draft.index)).not.toBe(mapBefore);
      expect(hashValue(draft.seen)).not.toBe(setBefore);
      expect(hashValue(draft.index)).not.toBe(hashValue(new Map([["k", { n: 1 }]])));
      draft.index.delete("other");
      expect(hashValue(draft.index)).toBe(mapBefore);
    });
  });

  it("a draft used after produce() returned is refused with a clear error", () => {
    const kept: { doc?: object; index?: Map<string, number> } = {};
    produce({ doc: { title: "a" }, index: new Map([["k", 1]]) }, (draft) => {
      draft.doc.title = "b";
      draft.index.set("j", 2);
      kept.doc = draft.doc;
      kept.index = draft.index;
    });
    const error = refusal({ input: kept.doc });
    expect(error.message).toMatch(/^a Proxy at \.input cannot be hashed stably: reading it threw TypeError: .*revoked.*Hash the value while the proxy is live/);
    expect(error.path).toBe(".input");
    expect(refusal(kept.index).message).toMatch(/^a DraftMap cannot be hashed stably: reading it threw .*revoked/i);
  });
});

describe("hand-made proxies", () => {
  it("a Map, Set, Date or RegExp proxy whose methods work hashes like its target", () => {
    const map = new Map<unknown, unknown>([["a", 1], [2, [3]]]);
    expect(hashValue(new Proxy(map, forwarding))).toBe(hashValue(map));
    expect(hashValue(new Proxy(map, forwarding))).not.toBe(hashValue(new Proxy(new Map([["a", 1]]), forwarding)));
    expect(hashValue(new Proxy(new Set([1, "x"]), forwarding))).toBe(hashValue(new Set([1, "x"])));
    expect(hashValue(new Proxy(new Date(5), forwarding))).toBe(hashValue(new Date(5)));
    expect(hashValue(new Proxy(new Date(5), forwarding))).not.toBe(hashValue(new Proxy(new Date(6), forwarding)));
    expect(hashValue(new Proxy(/a+/g, forwarding))).toBe(hashValue(/a+/g));
    class Registry extends Map<string, number> {}
    expect(hashValue(new Proxy(new Registry([["r", 1]]), forwarding))).toBe(hashValue(new Registry([["r", 1]])));
  });

  it("plain objects, arrays, class instances and errors are read through the traps: what they show counts", () => {
    const target = { a: 1, list: [1, 2] };
    expect(hashValue(new Proxy(target, {}))).toBe(hashValue(target));
    expect(hashValue(new Proxy([1, 2], {}))).toBe(hashValue([1, 2]));
    const doubling = new Proxy(target, { get: (t, key) => (key === "a" ? 2 : Reflect.get(t, key)) });
    expect(hashValue(doubling)).toBe(hashValue({ a: 2, list: [1, 2] }));
    class Point {
      x = 1;
    }
    expect(hashValue(new Proxy(new Point(), {}))).toBe(hashValue(new Point()));
    expect(hashValue(new Proxy(new RangeError("m"), {}))).toBe(hashValue(new RangeError("m")));
  });

  it("a Map, Set or Date proxy that cannot be read through (a bare proxy) is refused, never hashed as empty", () => {
    const cases: [unknown, RegExp][] = [
      [new Proxy(new Map([[1, 2]]), {}), /^a Proxy around a Map at \.m cannot be hashed stably: reading it threw TypeError/],
      [new Proxy(new Set([1]), {}), /^a Proxy around a Set at \.m cannot be hashed stably: reading it threw TypeError/],
      [new Proxy(new Date(1), {}), /^a Proxy around a Date at \.m cannot be hashed stably: reading it threw TypeError/],
    ];
    for (const [proxy, message] of cases) {
      const error = refusal({ m: proxy });
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/toRaw\(\).*current\(\)/);
      expect(error.path).toBe(".m");
    }
  });

  it("a proxied Promise is refused like a Promise; other values held in internal slots are refused", () => {
    expect(refusal(new Proxy(Promise.resolve(1), forwarding)).message).toMatch(/^a Proxy around a Promise cannot be hashed stably: its value is not known yet\. Await it/);
    const hidden: [unknown, string][] = [
      [new Uint8Array([1, 2]), "Uint8Array"],
      [new ArrayBuffer(4), "ArrayBuffer"],
      [new DataView(new ArrayBuffer(2)), "DataView"],
      [new WeakMap(), "WeakMap"],
      [new Number(3), "Number"],
      [new URL("https://example.com/"), "URL"],
    ];
    for (const [target, kind] of hidden) {
      const message = refusal([new Proxy(target as object, forwarding)]).message;
      expect(message).toMatch(new RegExp(`^a Proxy around an? ${kind} at \\[0\\] cannot be hashed stably: what an? ${kind} holds sits in internal slots`));
    }
    expect(refusal(new Proxy((function* gen() {})(), {})).message).toMatch(/^a Proxy around an? (Generator|Iterator) cannot be hashed stably/);
  });

  it("a proxied function is refused: its source text is hidden", () => {
    const error = refusal({ f: new Proxy((x: number) => x * 2, {}) });
    expect(error.message).toMatch(/^a Proxy around a function at \.f cannot be hashed stably: the proxy hides the function's source text/);
    expect(hashValue((x: number) => x * 2)).not.toBe(hashValue((x: number) => x * 3));
  });

  it("a revoked proxy gives a clear error naming where it sits, at any depth", () => {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    expect(refusal(proxy).path).toBe("");
    const nested = refusal({ outer: [{ inner: proxy }] });
    expect(nested.message).toMatch(/^a Proxy at \.outer\[0\]\.inner cannot be hashed stably: reading it threw TypeError: .*revoked/);
    expect(nested.cause).toBeInstanceOf(TypeError);
  });

  it("the runner names the node and the input of a refused proxy", async () => {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const use = func({ output: "used", cache: true }, ({ doc }: { doc: unknown }) => doc);
    const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false }) });
    const failure = await runner.run(new Pipeline({ functions: [use] }), { doc: { revoked: proxy } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InputHashError);
    expect((failure as Error).message).toMatch(/node "used".*input "doc".*a Proxy at \.revoked cannot be hashed stably/s);
  });
});
