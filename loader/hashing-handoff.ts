/**
 * The hash functions of the loader's cold path (cold-path.ts), handed over by the loader.
 *
 * The cold path is a bundle of its own (loaded with `require()` from a synchronous hook), and
 * bundling src/hashing/xxhash.ts into it would give the thread a second xxhash module and a second
 * WebAssembly instance. So the cold-path bundle is built with this module in place of
 * src/hashing/xxhash.ts (scripts/bundle.mjs), and the loader, which imported xxhash at start-up,
 * passes its functions in before anything is hashed: one WebAssembly instance per thread.
 */
import type * as Xxhash from "../src/hashing/xxhash.js";

type Hashing = Pick<typeof Xxhash, "hashString" | "hashBytes">;

let hashing: Hashing | undefined;

export function provideHashing(given: Hashing): void {
  hashing = given;
}

function provided(): Hashing {
  if (!hashing) throw new Error("daft loader: the cold path was used before the loader provided its hash functions");
  return hashing;
}

export function hashString(text: string): string {
  return provided().hashString(text);
}

export function hashBytes(bytes: Uint8Array): string {
  return provided().hashBytes(bytes);
}
