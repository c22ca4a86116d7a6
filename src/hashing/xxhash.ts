/**
 * The single xxhash-wasm instance of the process. Instantiating WebAssembly is asynchronous,
 * so it happens once at module load (top-level await) and every hash after that is synchronous.
 */
import xxhash, { type XXHashAPI } from "xxhash-wasm";

export const xx: XXHashAPI = await xxhash();

/** 64-bit xxhash of a string as 16 lowercase hex digits. */
export function hashString(text: string): string {
  return xx.h64ToString(text);
}

/** 64-bit xxhash of bytes as 16 lowercase hex digits. */
export function hashBytes(bytes: Uint8Array): string {
  return xx.h64Raw(bytes).toString(16).padStart(16, "0");
}
