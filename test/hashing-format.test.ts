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
import { hashValue } from "../src/hashing/hash-value.js";
import { xx } from "../src/hashing/xxhash.js";

const utf8 = new TextEncoder();

/** The documented token text of JSON-like values, Maps and Sets (no binaries). */
function reference(value: unknown): string {
  if (value === null) return "z";
  if (value === undefined) return "u";
  if (value === true) return "t";
  if (value === false) return "f";
  if (typeof value === "number") return `n${Object.is(value, -0) ? "-0" : String(value)};`;
  if (typeof value === "bigint") return `i${value.toString()};`;
  if (typeof value === "string") return `s${value.length}:${value}`;
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += i in value ? reference(value[i]) : "_";
    return text + "]";
  }
  if (value instanceof Map) {
    const digests = [...value].map(([k, v]) => xx.h64ToString(reference(k) + reference(v))).sort();
    return `M${digests.length};${digests.join("")}`;
  }
  if (value instanceof Set) {
    const digests = [...value].map((element) => xx.h64ToString(reference(element))).sort();
    return `S${digests.length};${digests.join("")}`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return "{" + keys.map((key) => `${key.length}:${key}${reference(record[key])}`).join("") + "}";
}

function referenceHash(value: unknown): string {
  return xx.h64ToString(reference(value));
}

function concat(...parts: Uint8Array[]): Uint8Array {
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
    for (const sample of samples) expect(hashValue(sample), reference(sample)).toBe(referenceHash(sample));
  });

  it("for a sparse array", () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    expect(reference(sparse)).toBe("[n1;_n3;]");
    expect(hashValue(sparse)).toBe(referenceHash(sparse));
  });

  it("for random nested values of about 1 MB (the buffer is flushed to the stream many times)", () => {
    const next = random(7);
    const big: unknown[] = [];
    for (let size = 0; size < 1_000_000; ) {
      const tree = randomTree(next, 6);
      big.push(tree);
      size += reference(tree).length;
    }
    expect(hashValue(big)).toBe(referenceHash(big));
    for (let i = 0; i < 200; i++) {
      const small = randomTree(next, 4);
      expect(hashValue(small)).toBe(referenceHash(small));
    }
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

  it("class instances, cache keys and back-references", () => {
    class Point {
      x = 1;
    }
    expect(hashValue(new Point())).toBe(xx.h64ToString("c5:Point{1:xn1;}"));
    expect(hashValue({ cacheKey: () => "k" })).toBe(xx.h64ToString("Ks1:k"));
    const loop: Record<string, unknown> = {};
    loop.a = [loop];
    expect(hashValue(loop)).toBe(xx.h64ToString("{1:a[^1;]}"));
  });
});

describe("golden hashes", () => {
  // These exact values pin the canonical format. If one changes, every stored cache of every
  // user becomes unreachable: only update them together with a deliberate format change.
  it("are unchanged", () => {
    const golden: [unknown, string][] = [
      [{ id: 17, name: "doc-17", tags: ["a", "b"], score: 0.5 }, "34a34d7587e47f30"],
      [1, "f00100146ba218a3"],
      ["1", "cc04c5a3f294e33a"],
      [1n, "7f49e384d01226b6"],
      [true, "938d507d8517a864"],
      [null, "048a5a7677a8e488"],
      [undefined, "610001cba66e07f0"],
      [new Map<unknown, unknown>([[1, "a"], ["1", { b: 2 }]]), "debd098b907db6f7"],
      [new Set([1, 2]), "c9c9fdcec52f8cb1"],
      [new Date(0), "635eb65ae853da78"],
      [/a/g, "519fba48c2144b0e"],
      [new Float32Array([1, 2]), "a5f48cacdc7ff549"],
      [Buffer.from("ab"), "62e3384e57c8106d"],
      [new Number(1), "8906c6b8bb4b2bb9"],
      [new Error("x"), "90bb9db40e7b37e2"],
      [new URL("http://a/"), "00e209a89c1091f1"],
    ];
    for (const [value, hash] of golden) expect(hashValue(value)).toBe(hash);
  });
});
