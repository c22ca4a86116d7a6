/**
 * xxhash-wasm's WebAssembly binary (the `xxhash.wasm` its package ships), read from the installed
 * package when daft runs from source. The build replaces this module in dist/ with one that holds
 * the bytes inline (scripts/bundle.mjs), as xxhash-wasm's own build does: the published package
 * reads no file to hash, and a bundle that includes daft carries the bytes with it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// The package's `exports` lists only its JS entries; the binary sits beside them.
const entry = createRequire(import.meta.url).resolve("xxhash-wasm");
const binary: Uint8Array = readFileSync(join(dirname(entry), "..", "workerd", "xxhash.wasm"));

export default binary;
