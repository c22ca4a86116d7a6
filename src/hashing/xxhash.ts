/**
 * The single xxhash64 instance of the process: xxhash-wasm's WebAssembly binary, compiled and
 * instantiated synchronously when this module loads. xxhash-wasm itself only offers an async
 * initialisation, which would need a top-level await here, and `require()` refuses any module
 * graph with one: every entry of the package loads with `require()` because this one does not.
 * Node compiles WebAssembly synchronously on any thread (the 4 KB main-thread limit is a browser
 * rule; this binary is 3 KB anyway).
 *
 * The functions below drive the binary's exports (see xxhash-wasm's `src/xxhash.wat`): input is
 * copied into linear memory at offset 0, or after a stream's state, which is kept on the JS side
 * between calls so that any number of streams can be open at once (the value hasher nests them).
 */
import wasmBinary from "./xxhash-wasm-binary.js";

/** A streaming xxhash64 (seed 0). */
export interface XXHash64Stream {
  update(bytes: Uint8Array): XXHash64Stream;
  /** The hash of everything given so far, as an unsigned 64-bit integer. */
  digest(): bigint;
}

// @types/node 20 declares no WebAssembly values (the DOM lib does): the part used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
};

interface XxhashExports {
  mem: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  xxh64(pointer: number, length: number, seed: bigint): bigint;
  init64(statePointer: number, seed: bigint): void;
  update64(statePointer: number, inputPointer: number, length: number): void;
  digest64(statePointer: number): bigint;
}

/** Size of the binary's XXH64 state: total length, 4 lanes, a 32-byte buffer, two counters. */
const STATE_BYTES = 88;
const PAGE_BYTES = 65_536;

const exports = new WebAssembly.Instance(new WebAssembly.Module(wasmBinary)).exports as unknown as XxhashExports;
const encoder = new TextEncoder();
let memory = new Uint8Array(exports.mem.buffer);

/** Linear memory of at least `bytes` bytes (growing it replaces the buffer). */
function memoryOf(bytes: number): Uint8Array {
  const missing = bytes - exports.mem.buffer.byteLength;
  if (missing > 0) {
    exports.mem.grow(Math.ceil(missing / PAGE_BYTES));
    memory = new Uint8Array(exports.mem.buffer);
  }
  return memory;
}

/** The binary returns an i64: read it as unsigned. */
const unsigned = (value: bigint): bigint => BigInt.asUintN(64, value);

class Stream implements XXHash64Stream {
  readonly #state = new Uint8Array(STATE_BYTES);

  constructor() {
    const memory = memoryOf(STATE_BYTES);
    // init64 sets the lanes and the seed, not the counters: they must start at zero.
    memory.fill(0, 0, STATE_BYTES);
    exports.init64(0, 0n);
    this.#state.set(memory.subarray(0, STATE_BYTES));
  }

  update(bytes: Uint8Array): this {
    const memory = memoryOf(STATE_BYTES + bytes.byteLength);
    memory.set(this.#state);
    memory.set(bytes, STATE_BYTES);
    exports.update64(0, STATE_BYTES, bytes.byteLength);
    this.#state.set(memory.subarray(0, STATE_BYTES));
    return this;
  }

  digest(): bigint {
    memoryOf(STATE_BYTES).set(this.#state);
    return unsigned(exports.digest64(0));
  }
}

export const xx = {
  /** xxhash64 of a string's UTF-8 bytes. */
  h64(text: string, seed = 0n): bigint {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const written = encoder.encodeInto(text, memoryOf(text.length * 3)).written;
    return unsigned(exports.xxh64(0, written, seed));
  },
  /** xxhash64 of a string's UTF-8 bytes, as 16 lowercase hex digits. */
  h64ToString(text: string): string {
    return xx.h64(text).toString(16).padStart(16, "0");
  },
  /** xxhash64 of bytes. */
  h64Raw(bytes: Uint8Array, seed = 0n): bigint {
    memoryOf(bytes.byteLength).set(bytes);
    return unsigned(exports.xxh64(0, bytes.byteLength, seed));
  },
  create64(): XXHash64Stream {
    return new Stream();
  },
};

/** 64-bit xxhash of a string as 16 lowercase hex digits. */
export function hashString(text: string): string {
  return xx.h64ToString(text);
}

/** 64-bit xxhash of bytes as 16 lowercase hex digits. */
export function hashBytes(bytes: Uint8Array): string {
  return xx.h64Raw(bytes).toString(16).padStart(16, "0");
}
