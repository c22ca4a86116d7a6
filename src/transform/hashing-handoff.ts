/**
 * The hash functions of the cold part's own bundle (see cold-part-bundled.ts), handed over by
 * the light part.
 *
 * The cold part is a bundle of its own, loaded with `require()` from a synchronous hook; bundling
 * src/hashing/xxhash.ts into it would compile a second copy of xxhash-wasm's binary and make a
 * second WebAssembly instance. So that bundle is built with this module in place of
 * src/hashing/xxhash.ts (scripts/bundle.mjs), and the light part, which imported xxhash at
 * start-up, passes its functions in before anything is hashed: one instance per thread.
 */
import type * as Xxhash from "../hashing/xxhash.js";

type Hashing = Pick<typeof Xxhash, "hashString" | "hashBytes">;

let hashing: Hashing | undefined;

export function provideHashing(given: Hashing): void {
  hashing = given;
}

function provided(): Hashing {
  if (!hashing) throw new Error("daft transform: the cold part was used before it was handed the hash functions");
  return hashing;
}

export function hashString(text: string): string {
  return provided().hashString(text);
}

export function hashBytes(bytes: Uint8Array): string {
  return provided().hashBytes(bytes);
}
