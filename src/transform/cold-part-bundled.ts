/**
 * cold-part.ts as the Node loader's start-up bundle has it (scripts/bundle.mjs swaps it in):
 * the cold part is a bundle of its own, dist/loader/transform-cold.js, loaded with `require()`
 * (the load hook is synchronous) the first time a module is not answered from the cache.
 *
 * That bundle holds hashing-handoff.ts in xxhash's place and is handed this bundle's hash
 * functions before anything is hashed: one WebAssembly instance per thread.
 */
import { createRequire } from "node:module";
import { hashBytes, hashString } from "../hashing/xxhash.js";
import type { loadColdPart as loadInSourceForm } from "./cold-part.js";

type CreateColdPart = ReturnType<typeof loadInSourceForm>;

let create: CreateColdPart | undefined;

export function loadColdPart(): CreateColdPart {
  if (!create) {
    const bundle = createRequire(import.meta.url)("./transform-cold.js") as typeof import("./cold/bundle-entry.js");
    bundle.provideHashing({ hashString, hashBytes });
    create = bundle.createColdPart;
  }
  return create;
}
