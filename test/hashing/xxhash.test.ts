/**
 * daft instantiates xxhash-wasm's binary synchronously and drives it itself (src/hashing/xxhash.ts):
 * its hashes must be xxhash-wasm's own, for strings, bytes and streams of every size, with
 * several streams open at once and after the linear memory has grown. Checked from source (the
 * binary read from the installed package) and from dist/ (the binary inline), against
 * xxhash-wasm's asynchronous API.
 */
import xxhashWasm from "xxhash-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import * as fromSource from "../../src/hashing/xxhash.js";

type Xx = typeof fromSource.xx;
const reference = await xxhashWasm();

/** Deterministic bytes (a linear congruential generator), so a failure is reproducible. */
function bytesOf(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

const LENGTHS = [0, 1, 3, 4, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 100, 1000, 65_536 - 88, 65_536, 65_537, 300_000];
const STRINGS = ["", "a", "daft", "é😀 naïve", "\uD800 lone surrogate", "x".repeat(70_000), "ü".repeat(40_000)];

function describeImplementation(name: string, load: () => Promise<Xx>): void {
  describe(`xxhash64 ${name}`, () => {
    let xx: Xx;
    beforeAll(async () => {
      xx = await load();
    });

    it("hashes bytes as xxhash-wasm does, at every length", () => {
      for (const length of LENGTHS) {
        const bytes = bytesOf(length, length);
        expect(xx.h64Raw(bytes), `length ${length}`).toBe(reference.h64Raw(bytes));
        // A view into a larger buffer hashes its own bytes only.
        const inside = bytesOf(length + 10, 7).subarray(5, 5 + length);
        expect(xx.h64Raw(inside), `view of length ${length}`).toBe(reference.h64Raw(inside));
      }
    });

    it("hashes strings as their UTF-8 bytes, as xxhash-wasm does", () => {
      for (const text of STRINGS) expect(xx.h64ToString(text), JSON.stringify(text.slice(0, 20))).toBe(reference.h64ToString(text));
    });

    it("takes a seed for strings and bytes, as xxhash-wasm does", () => {
      for (const seed of [0n, 1n, 0xdeadbeefn, 2n ** 64n - 1n]) {
        for (const text of STRINGS) expect(xx.h64(text, seed), `seed ${seed}`).toBe(reference.h64(text, seed));
        for (const length of [0, 5, 33, 1000]) expect(xx.h64Raw(bytesOf(length, 3), seed)).toBe(reference.h64Raw(bytesOf(length, 3), seed));
      }
    });

    it("streams give the hash of everything given, however it is split, with several streams open at once", () => {
      for (const length of LENGTHS) {
        const bytes = bytesOf(length, length + 1);
        const ours = [xx.create64(), xx.create64()];
        const theirs = [reference.create64(), reference.create64()];
        // Stream 0 takes the bytes in uneven pieces, stream 1 in one piece half-way through.
        for (let at = 0, step = 1; at < length; at += step, step = step * 3 + 1) {
          const piece = bytes.subarray(at, Math.min(length, at + step));
          ours[0]!.update(piece);
          theirs[0]!.update(piece);
          if (at <= length / 2 && at + step > length / 2) {
            ours[1]!.update(bytes);
            theirs[1]!.update(bytes);
          }
        }
        expect(ours.map((stream) => stream.digest()), `length ${length}`).toEqual(theirs.map((stream) => stream.digest()));
        expect(ours[0]!.digest()).toBe(reference.h64Raw(bytes));
      }
    });
  });
}

describeImplementation("from source", async () => fromSource.xx);
describeImplementation("in dist/ (the binary inline)", async () => {
  const built = (await import("../../dist/src/hashing/xxhash.js")) as typeof fromSource;
  return built.xx;
});
