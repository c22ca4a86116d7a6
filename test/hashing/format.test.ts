/**
 * The canonical format, byte for byte. A small reference encoder written from the format
 * description in src/hashing/hash-value.ts rebuilds the exact bytes of a value and hashes them
 * with plain xxhash64: if hashValue ever disagrees, the implementation and the documented format
 * have drifted apart. This also proves that the buffered, flushed and streamed paths (large
 * values, large strings, large binaries) hash the same bytes as a single call would.
 *
 * The golden hashes at the end pin the format. Changing the format changes every hash and
 * therefore invalidates every user's stored cache: update them only on purpose, never to make a
 * test pass.
 */
import { describe, expect, it } from "vitest";
import { hashValue } from "../../src/hashing/hash-value.js";
import { xx } from "../../src/hashing/xxhash.js";

const utf8 = new TextEncoder();

/**
 * Containers (records, arrays, Maps, Sets) nested in the value whose tokens take more bytes than
 * this are written as `#` + the 16 hex digits of their xxhash64 (the value itself never is).
 */
const INLINE_BYTES_MAX = 65536;

/** The documented token bytes of JSON-like values, Maps, Sets and typed arrays (no lone surrogates). */
function reference(value: unknown, nested = false): Uint8Array {
  const parts: Uint8Array[] = [];
  const text = (part: string) => parts.push(utf8.encode(part));
  const item = value;
  if (item === null) text("z");
  else if (item === undefined) text("u");
  else if (item === true) text("t");
  else if (item === false) text("f");
  else if (typeof item === "number") {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, item, true);
    text("n");
    parts.push(new Uint8Array(bits.buffer));
  } else if (typeof item === "bigint") text(`i${item.toString()};`);
  else if (typeof item === "string") text(`s${item.length}:${item}`);
  else if (item instanceof Float64Array || item instanceof Uint8Array) {
    const kind = item instanceof Float64Array ? "Float64Array" : "Uint8Array"; // this machine is little-endian
    text(`x${kind.length}:${kind}${item.byteLength};`);
    parts.push(new Uint8Array(item.buffer, item.byteOffset, item.byteLength));
  } else {
    if (Array.isArray(item)) {
      text("[");
      for (let i = 0; i < item.length; i++) {
        if (i in item) parts.push(reference(item[i], true));
        else text("_");
      }
      text("]");
    } else if (item instanceof Map || item instanceof Set) {
      const entries: unknown[][] = item instanceof Map ? [...item] : [...item].map((element) => [element]);
      const digests = entries.map((entry) => hex(xx.h64Raw(concat(...entry.map((part) => reference(part, true)))))).sort();
      text(`${item instanceof Map ? "M" : "S"}${digests.length};${digests.join("")}`);
    } else {
      const record = item as Record<string, unknown>;
      text("{");
      for (const key of Object.keys(record).sort()) {
        text(`${key.length}:${key}`);
        parts.push(reference(record[key], true));
      }
      text("}");
    }
    const bytes = concatAll(parts);
    return nested && bytes.byteLength > INLINE_BYTES_MAX ? utf8.encode(`#${hex(xx.h64Raw(bytes))}`) : bytes;
  }
  return concatAll(parts);
}

function referenceHash(value: unknown): string {
  return hex(xx.h64Raw(reference(value)));
}


function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function hex(hash: bigint): string {
  return hash.toString(16).padStart(16, "0");
}

/** A deterministic pseudo-random generator, so the large fixtures are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomTree(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth === 0 || pick < 0.3) {
    const leaf = Math.floor(next() * 7);
    return [() => next() * 1e6, () => -Math.floor(next() * 100), () => `text-${Math.floor(next() * 1e9)} é ✓ 😀`, () => true, () => null, () => -0, () => 2n ** 70n][leaf]!();
  }
  if (pick < 0.6) return Array.from({ length: 1 + Math.floor(next() * 6) }, () => randomTree(next, depth - 1));
  if (pick < 0.65) return new Map<unknown, unknown>([[`k${Math.floor(next() * 100)}`, randomTree(next, depth - 1)], [Math.floor(next() * 10), "v"]]);
  if (pick < 0.7) return new Set([randomTree(next, depth - 1), "s"]);
  const record: Record<string, unknown> = {};
  for (let i = 0, n = 1 + Math.floor(next() * 6); i < n; i++) record[`key${Math.floor(next() * 1000)}`] = randomTree(next, depth - 1);
  return record;
}

describe("the byte format matches its documentation", () => {
  it("for each kind of JSON-like token", () => {
    const samples: unknown[] = [
      0, -0, 1, -1.5, 1e21, 5e-324, NaN, Infinity, -Infinity, 12345678901234567890n, -3n,
      "", "a", "héllo ✓", "😀", true, false, null, undefined,
      [], [1, "1", [true]], { b: 1, a: [null] }, { "": 0, "10": 1, "9": 2, Z: 3, a: 4 },
      new Map<unknown, unknown>([["a", 1], [2, { x: [] }]]), new Set(["x", 1, [2]]),
    ];
    for (const sample of samples) expect(hashValue(sample), String(sample)).toBe(referenceHash(sample));
  });

  it("for a sparse array", () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    expect(hashValue(sparse)).toBe(referenceHash(sparse));
  });

  it("for random nested values of about 1 MB (the buffer is flushed to the stream many times)", () => {
    const next = random(7);
    const big: unknown[] = [];
    for (let size = 0; size < 1_000_000; ) {
      const tree = randomTree(next, 6);
      big.push(tree);
      size += reference(tree).byteLength;
    }
    expect(hashValue(big)).toBe(referenceHash(big));
    for (let i = 0; i < 200; i++) {
      const small = randomTree(next, 4);
      expect(hashValue(small)).toBe(referenceHash(small));
    }
  });

  it("for Map and Set entries hashed while the outer value fills most of the buffer", () => {
    const next = random(11);
    const bigTree = Array.from({ length: 400 }, () => randomTree(next, 5));
    const value = [
      "x".repeat(65_000),
      new Map<unknown, unknown>([["tree", bigTree], ["bytes", new Float64Array(100_000).map((_, i) => i)], [new Uint8Array(5000), "k"]]),
      new Set<unknown>(["y".repeat(70_000), new Uint8Array(3000).fill(7), bigTree]),
      new Map([["inner", new Map([["deeper", new Set(["z".repeat(66_000)])]])]]),
    ];
    expect(hashValue(value)).toBe(referenceHash(value));
  });

  it("for strings longer than the buffer, ASCII and not", () => {
    for (const text of ["a".repeat(300_000), "é✓😀".repeat(100_000), "x".repeat(65_530) + "😀".repeat(10)]) {
      expect(hashValue(text)).toBe(referenceHash(text));
      expect(hashValue({ text })).toBe(referenceHash({ text }));
    }
  });

  it("lone surrogates are encoded as WTF-8 (three bytes per surrogate), short and long", () => {
    const wtf8 = (text: string) => {
      const bytes: number[] = [];
      for (let i = 0; i < text.length; i++) {
        const code = text.codePointAt(i)!;
        if (code > 0xffff) {
          bytes.push(...utf8.encode(String.fromCodePoint(code)));
          i++;
        } else if (code >= 0xd800 && code <= 0xdfff) {
          bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
        } else {
          bytes.push(...utf8.encode(String.fromCharCode(code)));
        }
      }
      return new Uint8Array(bytes);
    };
    for (const text of ["\uD800", "a\uDC00b", "😀\uD83D", "\uDE00😀".repeat(5000) + "\uD800"]) {
      const expected = hex(xx.h64Raw(concat(utf8.encode(`s${text.length}:`), wtf8(text))));
      expect(hashValue(text)).toBe(expected);
    }
  });

  it("binary values are the kind, the byte length, then the raw little-endian bytes", () => {
    for (const length of [3, 5000, 3 << 20]) {
      const floats = new Float32Array(length).map((_, i) => i / 3);
      const header = utf8.encode(`x12:Float32Array${floats.byteLength};`);
      const expected = hex(xx.h64Raw(concat(header, new Uint8Array(floats.buffer))));
      expect(hashValue(floats)).toBe(expected);
    }
    const view = new Uint8Array([1, 2, 3, 4]);
    const inRecord = concat(utf8.encode("{1:bx10:Uint8Array4;"), view, utf8.encode("}"));
    expect(hashValue({ b: view })).toBe(hex(xx.h64Raw(inRecord)));
  });

  it("numbers are the tag and the float64 bits; NaN is canonical", () => {
    expect(hashValue(1)).toBe(hex(xx.h64Raw(new Uint8Array([0x6e, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]))));
    expect(hashValue(-0)).toBe(hex(xx.h64Raw(new Uint8Array([0x6e, 0, 0, 0, 0, 0, 0, 0, 0x80]))));
    const otherNaN = new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0]!;
    expect(Number.isNaN(otherNaN)).toBe(true);
    expect(hashValue(otherNaN)).toBe(hashValue(NaN));
    expect(hashValue(NaN)).toBe(hex(xx.h64Raw(new Uint8Array([0x6e, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]))));
  });

  it("class instances, cache keys, built-in functions and back-references", () => {
    class Point {
      x = "1";
    }
    expect(hashValue(new Point())).toBe(xx.h64ToString("c5:Point{1:xs1:1}"));
    expect(hashValue({ cacheKey: () => "k" })).toBe(xx.h64ToString("Ks1:k"));
    expect(hashValue(Math.max)).toBe(xx.h64ToString("N8:Math.max"));
    expect(hashValue([Map.prototype.forEach])).toBe(xx.h64ToString("[N21:Map.prototype.forEach]"));
    const loop: Record<string, unknown> = {};
    loop.a = [loop];
    expect(hashValue(loop)).toBe(xx.h64ToString("{1:a[^1;]}"));
  });
});

describe("containers larger than 64 KiB nested in the value are written as their digest", () => {
  /** `{1:s` + a string token of `length` x's + `}`: length + digits + 7 bytes. */
  const recordBytes = (length: number) => utf8.encode(`{1:ss${length}:${"x".repeat(length)}}`);

  it("exactly past 65536 bytes, and never the value itself", () => {
    const fits = { s: "x".repeat(65524) }; // 65536 bytes of tokens
    const over = { s: "x".repeat(65525) }; // 65537
    expect(recordBytes(65524).byteLength).toBe(65536);
    expect(hashValue({ inner: fits })).toBe(hex(xx.h64Raw(concat(utf8.encode("{5:inner"), recordBytes(65524), utf8.encode("}")))));
    const digest = hex(xx.h64Raw(recordBytes(65525)));
    expect(hashValue({ inner: over })).toBe(xx.h64ToString(`{5:inner#${digest}}`));
    expect(hashValue([over])).toBe(xx.h64ToString(`[#${digest}]`));
    expect(hashValue(over)).toBe(digest);
  });

  it("with large binaries, long strings and large children at any depth (containers streamed as they grow)", () => {
    const floats = new Float64Array(300_000).map((_, i) => i / 7);
    const bytes = new Uint8Array(65_520).fill(3); // with its header, just past the limit inside a record
    const text = "long text ✓ ".repeat(20_000);
    const value = {
      small: { a: [1, 2, { b: "c" }] },
      floats: { inner: { floats } },
      bytes: { bytes },
      fewBytes: { bytes: bytes.subarray(0, 65_000) },
      text: [{ text }],
      // The parent has passed 64 KiB before `b` starts: it is promoted while its child is still open.
      promoted: { a: "y".repeat(70_000), b: { c: "z".repeat(70_000), d: { e: floats.subarray(0, 9000) } } },
      chain: { a: { a: { a: { a: Array.from({ length: 9000 }, (_, i) => ({ i })) } } } },
      map: new Map<unknown, unknown>([["k", { list: Array.from({ length: 5000 }, (_, i) => [i, `v${i}`]) }]]),
      set: new Set<unknown>([Array.from({ length: 9000 }, (_, i) => i)]),
    };
    expect(hashValue(value)).toBe(referenceHash(value));
  });

  it("for random nested values with many parts larger than 64 KiB", () => {
    const next = random(23);
    const value = Array.from({ length: 3 }, () => ({ tree: randomTree(next, 9), list: Array.from({ length: 40 }, () => randomTree(next, 6)) }));
    const digestReferences = new TextDecoder("latin1").decode(reference(value)).match(/#[0-9a-f]{16}/g) ?? [];
    expect(digestReferences.length).toBeGreaterThanOrEqual(3); // more are hidden inside these
    expect(hashValue(value)).toBe(referenceHash(value));
  });
});

describe("golden hashes", () => {
  // These exact values pin the canonical format. If one changes, every stored cache of every
  // user becomes unreachable: only update them together with a deliberate format change.
  it("are unchanged", () => {
    const golden: [unknown, string][] = [
      [{ id: 17, name: "doc-17", tags: ["a", "b"], score: 0.5 }, "497a775440f65935"],
      [1, "4460175a7bda32ba"],
      ["1", "cc04c5a3f294e33a"],
      [1n, "7f49e384d01226b6"],
      [true, "938d507d8517a864"],
      [null, "048a5a7677a8e488"],
      [undefined, "610001cba66e07f0"],
      [new Map<unknown, unknown>([[1, "a"], ["1", { b: 2 }]]), "11113f70b4412f6e"],
      [new Set([1, 2]), "eed269f47bd4f91e"],
      [new Date(0), "635eb65ae853da78"],
      [/a/g, "519fba48c2144b0e"],
      [-0, "50ad55f641c86897"],
      [NaN, "f80801b82d493fdf"],
      [new Float32Array([1, 2]), "a5f48cacdc7ff549"],
      [Buffer.from("ab"), "62e3384e57c8106d"],
      [new Number(1), "3a0c7f7998f39d64"],
      [new Error("x"), "90bb9db40e7b37e2"],
      [new URL("http://a/"), "00e209a89c1091f1"],
    ];
    for (const [value, hash] of golden) expect(hashValue(value)).toBe(hash);
  });
});
