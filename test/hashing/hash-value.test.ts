/**
 * The rules of the canonical value hash: what makes two values hash alike or apart.
 * Every assertion here fails if the corresponding rule of hash-value.ts is broken.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { hashValue } from "../../src/hashing/hash-value.js";

function distinct(values: unknown[]): void {
  const hashes = values.map((value) => hashValue(value));
  expect(new Set(hashes).size, `hashes: ${hashes.join(" ")}`).toBe(values.length);
}

describe("hashValue output", () => {
  it("is 16 lowercase hex digits and deterministic", () => {
    for (const value of [0, "", null, undefined, {}, [], { a: [1, 2] }, new Map(), new Float64Array(3)]) {
      const hash = hashValue(value);
      expect(hash).toMatch(/^[0-9a-f]{16}$/);
      expect(hashValue(value)).toBe(hash);
    }
  });
});

describe("primitives are type-tagged", () => {
  it("1, '1', 1n, true and their relatives all differ", () => {
    distinct([1, "1", 1n, true, "true", [1], { 0: 1 }, new Number(1), Object(1n), null, undefined, "null", "undefined", "", [], {}, 0, false]);
  });

  it("-0 differs from 0, every NaN is the same NaN, infinities differ", () => {
    expect(hashValue(-0)).not.toBe(hashValue(0));
    expect(hashValue([-0])).not.toBe(hashValue([0]));
    expect(hashValue(NaN)).toBe(hashValue(0 / 0));
    expect(hashValue(NaN)).toBe(hashValue(Number("not a number")));
    distinct([NaN, "NaN", Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]);
  });

  it("numbers are hashed by value, not by how they were written", () => {
    expect(hashValue(1.0)).toBe(hashValue(1));
    expect(hashValue(0.1 + 0.2)).not.toBe(hashValue(0.3));
    expect(hashValue(1e21)).toBe(hashValue(10 ** 21));
  });

  it("bigints of any size and sign", () => {
    expect(hashValue(10n ** 400n)).toBe(hashValue(10n ** 400n));
    distinct([10n ** 400n, 10n ** 400n + 1n, -5n, 5n, 0n]);
  });

  it("strings are compared exactly, including lone surrogates", () => {
    distinct(["a", "A", "a ", "é", "e\u0301", "\uD800", "\uFFFD", "\uDC00", "\uD83D\uDE00", "\uD83D", "\uDE00\uD83D"]);
    expect(hashValue("\uD800x")).toBe(hashValue(`${"\uD800"}x`));
  });

  it("the boundary between adjacent strings is part of the hash", () => {
    expect(hashValue(["ab", "c"])).not.toBe(hashValue(["a", "bc"]));
    expect(hashValue({ ab: "c" })).not.toBe(hashValue({ a: "bc" }));
  });
});

describe("objects and arrays", () => {
  it("object key order does not matter, at any depth", () => {
    const a = { id: 17, name: "doc-17", nested: { x: 1, y: [1, 2], 10: "ten", 2: "two" } };
    const b = { nested: { 2: "two", y: [1, 2], 10: "ten", x: 1 }, name: "doc-17", id: 17 };
    expect(hashValue(a)).toBe(hashValue(b));
    const many: Record<string, number> = {};
    const manyReversed: Record<string, number> = {};
    for (let i = 0; i < 100; i++) many[`k${i}`] = i;
    for (let i = 99; i >= 0; i--) manyReversed[`k${i}`] = i;
    expect(hashValue(many)).toBe(hashValue(manyReversed));
  });

  it("array order matters", () => {
    expect(hashValue([1, 2])).not.toBe(hashValue([2, 1]));
    expect(hashValue([[1], [2]])).not.toBe(hashValue([[2], [1]]));
  });

  it("content differences anywhere change the hash", () => {
    const base = { a: { b: { c: [1, 2, { d: "x" }] } } };
    const changed = { a: { b: { c: [1, 2, { d: "y" }] } } };
    expect(hashValue(base)).not.toBe(hashValue(changed));
  });

  it("a property set to undefined differs from a missing one; holes differ from undefined", () => {
    expect(hashValue({ a: 1, b: undefined })).not.toBe(hashValue({ a: 1 }));
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    distinct([sparse, [1, undefined, 3], [1, 3], new Array(3), [undefined, undefined, undefined]]);
    // eslint-disable-next-line no-sparse-arrays
    expect(hashValue([1, , 3])).toBe(hashValue(sparse));
  });

  it("null-prototype objects hash like plain objects with the same properties", () => {
    const bare = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
    expect(hashValue(bare)).toBe(hashValue({ a: 1, b: 2 }));
  });

  it("symbol-keyed and non-enumerable properties are ignored", () => {
    const withSymbol = { a: 1, [Symbol("meta")]: "anything", [Symbol.for("x")]: 2 };
    expect(hashValue(withSymbol)).toBe(hashValue({ a: 1 }));
    const hidden = { a: 1 };
    Object.defineProperty(hidden, "secret", { value: 42, enumerable: false });
    expect(hashValue(hidden)).toBe(hashValue({ a: 1 }));
  });

  it("own enumerable getters are read", () => {
    let n = 1;
    const live = {
      get value() {
        return n;
      },
    };
    const first = hashValue(live);
    n = 2;
    expect(hashValue(live)).not.toBe(first);
    expect(hashValue(live)).toBe(hashValue({ value: 2 }));
  });
});

describe("Map and Set", () => {
  it("insertion order does not matter", () => {
    const forward = new Map<unknown, unknown>([["a", 1], [2, "b"], [{ k: 1 }, [1]]]);
    const backward = new Map<unknown, unknown>([[{ k: 1 }, [1]], [2, "b"], ["a", 1]]);
    expect(hashValue(forward)).toBe(hashValue(backward));
    expect(hashValue(new Set([1, "x", { y: 2 }]))).toBe(hashValue(new Set([{ y: 2 }, "x", 1])));
  });

  it("Map entries count as key and value together", () => {
    expect(hashValue(new Map([["a", 1], ["b", 2]]))).not.toBe(hashValue(new Map([["a", 2], ["b", 1]])));
    expect(hashValue(new Map([["a", 1]]))).not.toBe(hashValue(new Map([["a", 1], ["b", 1]])));
    expect(hashValue(new Map([[1, "a"]]))).not.toBe(hashValue(new Map([["1", "a"]])));
  });

  it("object keys and elements are compared by content", () => {
    expect(hashValue(new Map([[{ id: 1 }, "x"]]))).toBe(hashValue(new Map([[{ id: 1 }, "x"]])));
    expect(hashValue(new Set([[1, 2]]))).toBe(hashValue(new Set([[1, 2]])));
    expect(hashValue(new Set([[1, 2]]))).not.toBe(hashValue(new Set([[2, 1]])));
  });

  it("differ from arrays, plain objects and each other", () => {
    distinct([new Map([["a", 1]]), { a: 1 }, [["a", 1]], new Set([["a", 1]]), new Set(["a", 1]), new Map(), new Set(), []]);
  });

  it("subclasses carry their class name", () => {
    class Registry extends Map<string, number> {}
    expect(hashValue(new Registry([["a", 1]]))).not.toBe(hashValue(new Map([["a", 1]])));
    expect(hashValue(new Registry([["a", 1]]))).toBe(hashValue(new Registry([["a", 1]])));
  });
});

describe("Date and RegExp", () => {
  it("dates hash by time; invalid dates all hash alike", () => {
    expect(hashValue(new Date("2024-01-01T00:00:00Z"))).toBe(hashValue(new Date(Date.UTC(2024, 0, 1))));
    expect(hashValue(new Date(0))).not.toBe(hashValue(new Date(1)));
    expect(hashValue(new Date(0))).not.toBe(hashValue(0));
    expect(hashValue(new Date("nope"))).toBe(hashValue(new Date(NaN)));
    distinct([new Date(NaN), new Date(0), NaN, "Invalid Date"]);
  });

  it("regular expressions hash by source and flags, not lastIndex", () => {
    const sticky = /a+/g;
    const before = hashValue(sticky);
    sticky.test("aaa");
    expect(sticky.lastIndex).toBeGreaterThan(0);
    expect(hashValue(sticky)).toBe(before);
    distinct([/a+/g, /a+/, /a+/gi, /b+/g, "/a+/g"]);
  });
});

describe("binary data", () => {
  const bytes = [0, 0, 128, 63, 0, 0, 0, 64];

  it("hashes the bytes with the element type: same bytes in different views differ", () => {
    const buffer = new Uint8Array(bytes).buffer;
    distinct([
      new Uint8Array(buffer),
      new Int8Array(buffer),
      new Uint8ClampedArray(buffer),
      new Uint16Array(buffer),
      new Int16Array(buffer),
      new Uint32Array(buffer),
      new Int32Array(buffer),
      new Float32Array(buffer),
      new Float64Array(buffer),
      new BigInt64Array(buffer),
      new BigUint64Array(buffer),
      new DataView(buffer),
      buffer,
      Buffer.from(bytes),
      bytes,
    ]);
  });

  it("equal content gives equal hashes; any byte change gives a different one", () => {
    expect(hashValue(new Float32Array([1, 2]))).toBe(hashValue(new Float32Array(new Uint8Array(bytes).buffer)));
    const large = new Float64Array(1 << 19).map((_, i) => i * 0.5); // 4 MiB: streamed in chunks
    const copy = new Float64Array(large);
    expect(hashValue(copy)).toBe(hashValue(large));
    copy[copy.length - 1] = -1;
    expect(hashValue(copy)).not.toBe(hashValue(large));
  });

  it("a view covers only its own range of the buffer", () => {
    const whole = new Uint8Array([9, 1, 2, 3, 9]);
    expect(hashValue(whole.subarray(1, 4))).toBe(hashValue(new Uint8Array([1, 2, 3])));
    expect(hashValue(new DataView(whole.buffer, 1, 3))).toBe(hashValue(new DataView(new Uint8Array([1, 2, 3]).buffer)));
    expect(hashValue(Buffer.from("abc"))).toBe(hashValue(Buffer.from("xabcx").subarray(1, 4)));
  });

  it("Buffer is a Uint8Array of class Buffer: differs from a plain Uint8Array with the same bytes", () => {
    expect(hashValue(Buffer.from([1, 2]))).not.toBe(hashValue(new Uint8Array([1, 2])));
    expect(hashValue(Buffer.from([1, 2]))).toBe(hashValue(Buffer.from([1, 2])));
  });

  it("SharedArrayBuffer and ArrayBuffer with the same bytes differ", () => {
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([1, 2]);
    expect(hashValue(shared)).not.toBe(hashValue(new Uint8Array([1, 2]).buffer));
  });
});

describe("class instances, functions, boxed primitives, errors", () => {
  it("class instances hash by class name and own enumerable properties", () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      norm(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    class Vector {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    expect(hashValue(new Point(1, 2))).toBe(hashValue(new Point(1, 2)));
    distinct([new Point(1, 2), new Point(2, 1), new Vector(1, 2), { x: 1, y: 2 }]);
  });

  it("functions hash by source text", () => {
    const make = (k: number) => (x: number) => x * k;
    expect(hashValue(make(2))).toBe(hashValue(make(3))); // same source; captured values are not seen
    distinct([(x: number) => x * 2, (x: number) => x * 3, function double(x: number) { return x * 2; }, "(x) => x * 2"]);
  });

  it("built-in functions of the language hash by their path, so same-named ones differ", () => {
    // Their source text is `function forEach() { [native code] }` for all of these.
    distinct([Array.prototype.forEach, Map.prototype.forEach, Set.prototype.forEach, Math.max, Math.min, Number, String, parseInt, Object.keys]);
    expect(hashValue(Number.parseFloat)).toBe(hashValue(parseFloat)); // the same function
    expect(hashValue({ parse: Number })).toBe(hashValue({ parse: Number }));
    expect(hashValue(Math.max)).not.toBe(hashValue("Math.max"));
    expect(hashValue(Math.max)).not.toBe(hashValue(function max() {}));
  });

  it("boxed primitives differ from primitives and hash by their value", () => {
    distinct([new Number(1), 1, new String("a"), "a", new Boolean(false), false, Object(1n), 1n, new String("1"), new Boolean(true), Object(2n)]);
    expect(hashValue(new String("a"))).toBe(hashValue(new String("a")));
    expect(hashValue(new Number(1))).not.toBe(hashValue(new Number(2)));
  });

  it("errors hash by class, name and message", () => {
    expect(hashValue(new Error("boom"))).toBe(hashValue(new Error("boom")));
    distinct([new Error("boom"), new Error("bang"), new TypeError("boom"), { name: "Error", message: "boom" }]);
    const coded = Object.assign(new Error("boom"), { code: "E_ONE" });
    expect(hashValue(coded)).not.toBe(hashValue(Object.assign(new Error("boom"), { code: "E_TWO" })));
  });

  it("URL hashes by its text", () => {
    expect(hashValue(new URL("https://example.com/a?b=1"))).toBe(hashValue(new URL("https://example.com/a?b=1")));
    distinct([new URL("https://example.com/a"), new URL("https://example.com/b"), "https://example.com/a"]);
  });
});

describe("values from another realm", () => {
  it("hash like the same values made here (vm contexts, other built-ins)", () => {
    const source = `({ b: 1, a: [1, 2, { c: null }], m: new Map([[1, 2]]), s: new Set([1]), d: new Date(0), r: /x/g,
      t: new Uint8Array([1]), e: new TypeError("m"), bare: Object.assign(Object.create(null), { k: 1 }) })`;
    const foreign = runInNewContext(source) as Record<string, unknown>;
    const local = (0, eval)(source) as Record<string, unknown>;
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
    for (const key of Object.keys(local)) expect(hashValue(foreign[key]), key).toBe(hashValue(local[key]));
    expect(hashValue(foreign)).toBe(hashValue(local));
  });
});

describe("cycles and shared references", () => {
  it("a cycle hashes deterministically, independent of object identity", () => {
    const make = () => {
      const node: Record<string, unknown> = { name: "root" };
      node.self = node;
      return node;
    };
    expect(hashValue(make())).toBe(hashValue(make()));
  });

  it("different cycle shapes differ", () => {
    const selfLoop: Record<string, unknown> = { v: 1 };
    selfLoop.next = selfLoop;
    const twoLoop: Record<string, unknown> = { v: 1 };
    twoLoop.next = { v: 1, next: twoLoop };
    const noLoop = { v: 1, next: { v: 1 } };
    distinct([selfLoop, twoLoop, noLoop]);
  });

  it("cycles through arrays, Maps and Sets", () => {
    const list: unknown[] = [1];
    list.push(list);
    const list2: unknown[] = [1];
    list2.push(list2);
    expect(hashValue(list)).toBe(hashValue(list2));
    const map = new Map<string, unknown>();
    map.set("me", map);
    const map2 = new Map<string, unknown>();
    map2.set("me", map2);
    expect(hashValue(map)).toBe(hashValue(map2));
    expect(hashValue(map)).not.toBe(hashValue(new Map([["me", new Map()]])));
  });

  it("a shared (non-cyclic) object hashes like two copies", () => {
    const shared = { big: [1, 2, 3] };
    expect(hashValue({ a: shared, b: shared })).toBe(hashValue({ a: { big: [1, 2, 3] }, b: { big: [1, 2, 3] } }));
    expect(hashValue([shared, shared])).toBe(hashValue([structuredClone(shared), structuredClone(shared)]));
  });
});

describe("parts shared at many places (a DAG)", () => {
  type Pair = { a: unknown; b: unknown };
  /** `levels` objects, each holding the previous one twice: 2^levels paths to the innermost. */
  const dag = (levels: number): Pair => {
    let node: Pair = { a: null, b: null };
    for (let i = 0; i < levels; i++) node = { a: node, b: node };
    return node;
  };
  /** The same shape with no sharing at all: 2^levels objects. */
  const tree = (levels: number): Pair => (levels === 0 ? { a: null, b: null } : { a: tree(levels - 1), b: tree(levels - 1) });

  it("hash like the same tree without sharing, below and past the size at which parts are hashed on their own", () => {
    // Each level doubles the tokens written out in full; parts pass 64 KiB around level 12.
    for (const levels of [1, 5, 11, 12, 13, 14, 17]) expect(hashValue(dag(levels)), `${levels} levels`).toBe(hashValue(tree(levels)));
    distinct([dag(12), dag(13), dag(14), tree(15)]);
  });

  it("a 40-level DAG is hashed part by part, like any other sharing of the same shape", () => {
    // Written out in full it would take 2^40 objects; each shared part is hashed once.
    const deep = dag(40);
    let otherSharing: Pair = { a: null, b: null };
    for (let i = 0; i < 40; i++) otherSharing = { a: otherSharing, b: { ...otherSharing } }; // `b` is a copy sharing the children
    expect(hashValue(deep)).toBe(hashValue(otherSharing));
    distinct([deep, dag(39), dag(41)]);
  });

  it("arrays, Maps, Sets and class instances shared many times hash like copies", () => {
    class Node {
      constructor(
        readonly left: unknown,
        readonly right: unknown,
      ) {}
    }
    const shared = (levels: number) => {
      let node: unknown = "leaf";
      for (let i = 0; i < levels; i++) {
        const kind = i % 4;
        node = kind === 0 ? [node, node] : kind === 1 ? new Map([["l", node], ["r", node]]) : kind === 2 ? new Set([node, [node]]) : new Node(node, node);
      }
      return node;
    };
    const copied = (levels: number): unknown => {
      if (levels === 0) return "leaf";
      const kind = (levels - 1) % 4;
      const child = () => copied(levels - 1);
      return kind === 0 ? [child(), child()] : kind === 1 ? new Map([["l", child()], ["r", child()]]) : kind === 2 ? new Set([child(), [child()]]) : new Node(child(), child());
    };
    expect(hashValue(shared(15))).toBe(hashValue(copied(15)));
    expect(hashValue(shared(60))).toMatch(/^[0-9a-f]{16}$/);
  });

  it("a shared part with a cycle inside, or a back-reference to an object outside it, still hashes like copies", () => {
    const items = () => Array.from({ length: 6000 }, (_, i) => ({ i })); // more than 64 KiB of tokens
    const selfContained = () => {
      const part: Record<string, unknown> = { items: items() };
      part.self = part;
      return part;
    };
    const part = selfContained();
    expect(hashValue({ x: part, y: [part], z: { deeper: part } })).toBe(hashValue({ x: selfContained(), y: [selfContained()], z: { deeper: selfContained() } }));

    // `child.up` points to the root: met at different depths, its back-reference differs.
    const withSharedChild = () => {
      const root: Record<string, unknown> = { name: "root" };
      const child = { up: root, items: items() };
      Object.assign(root, { a: child, b: [child], c: { d: child } });
      return root;
    };
    const withCopies = () => {
      const root: Record<string, unknown> = { name: "root" };
      Object.assign(root, { a: { up: root, items: items() }, b: [{ up: root, items: items() }], c: { d: { up: root, items: items() } } });
      return root;
    };
    expect(hashValue(withSharedChild())).toBe(hashValue(withCopies()));
  });
});

describe("cache key methods", () => {
  class Document {
    constructor(
      readonly id: string,
      readonly version: number,
      readonly body: string,
    ) {}
    [Symbol.for("daft.cacheKey")](): unknown {
      return { id: this.id, version: this.version };
    }
  }

  it("an object is hashed by what its [Symbol.for('daft.cacheKey')]() returns", () => {
    expect(hashValue(new Document("d1", 1, "hello"))).toBe(hashValue(new Document("d1", 1, "a different body")));
    expect(hashValue(new Document("d1", 1, "x"))).not.toBe(hashValue(new Document("d1", 2, "x")));
  });

  it("the result is tagged: it differs from the returned value itself", () => {
    expect(hashValue(new Document("d1", 1, "x"))).not.toBe(hashValue({ id: "d1", version: 1 }));
    const keyed = { cacheKey: () => "v1" };
    expect(hashValue(keyed)).not.toBe(hashValue("v1"));
  });

  it("cacheKey() works too, and the symbol method is preferred over it", () => {
    const plain = { data: "big", cacheKey: () => "k1" };
    expect(hashValue(plain)).toBe(hashValue({ data: "other", cacheKey: () => "k1" }));
    const both = {
      [Symbol.for("daft.cacheKey")]: () => "from-symbol",
      cacheKey: () => "from-method",
    };
    expect(hashValue(both)).toBe(hashValue({ [Symbol.for("daft.cacheKey")]: () => "from-symbol" }));
    expect(hashValue(both)).not.toBe(hashValue({ cacheKey: () => "from-method" }));
  });

  it("a cacheKey property that is not a method is ordinary data", () => {
    expect(hashValue({ cacheKey: "v1" })).not.toBe(hashValue({ cacheKey: "v2" }));
  });

  it("a cache key method may itself call hashValue", () => {
    const nested = { rows: [1, 2, 3], cacheKey(): string { return hashValue(this.rows); } };
    const outer = { a: nested, b: new Map([["k", nested]]) };
    const expected = hashValue(outer);
    expect(hashValue({ b: new Map([["k", nested]]), a: nested })).toBe(expected);
    expect(hashValue(nested)).not.toBe(hashValue({ rows: [1, 2, 3] }));
  });

  it("takes precedence over built-in handling (a keyed Map, a keyed EventEmitter)", async () => {
    const { EventEmitter } = await import("node:events");
    class Source extends EventEmitter {
      constructor(readonly url: string) {
        super();
      }
      cacheKey(): string {
        return this.url;
      }
    }
    expect(hashValue(new Source("db://a"))).toBe(hashValue(new Source("db://a")));
    expect(hashValue(new Source("db://a"))).not.toBe(hashValue(new Source("db://b")));
  });
});
