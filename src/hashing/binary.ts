/**
 * Binary values (typed arrays, DataView, ArrayBuffer, SharedArrayBuffer, Buffer) are hashed as
 * their bytes plus the kind of container, so a Float32Array and a Uint8Array holding the same
 * bytes differ. Elements are always hashed little-endian, so a big-endian machine gives the same
 * hashes as every other one.
 */
import { types } from "node:util";

export interface BinaryView {
  /** `Float32Array`, `DataView`, `ArrayBuffer`… (the built-in kind, never a subclass name). */
  kind: string;
  /** The bytes the value covers, elements in little-endian order. */
  bytes: Uint8Array;
}

const typedArrayKind = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)!.get as (this: unknown) => string | undefined;

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The kind and bytes of a binary value, or undefined when `value` is not one. */
export function binaryView(value: object): BinaryView | undefined {
  if (ArrayBuffer.isView(value)) {
    const kind = typedArrayKind.call(value);
    if (kind === undefined) {
      return { kind: "DataView", bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
    }
    const view = value as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number; BYTES_PER_ELEMENT: number };
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const elementSize = elementSizes[kind] ?? 1;
    return { kind, bytes: isLittleEndian || elementSize === 1 ? bytes : swapBytes(bytes, elementSize) };
  }
  if (types.isArrayBuffer(value)) return { kind: "ArrayBuffer", bytes: new Uint8Array(value) };
  if (types.isSharedArrayBuffer(value)) return { kind: "SharedArrayBuffer", bytes: new Uint8Array(value) };
  return undefined;
}

const elementSizes: Record<string, number> = {
  Int16Array: 2,
  Uint16Array: 2,
  Float16Array: 2,
  Int32Array: 4,
  Uint32Array: 4,
  Float32Array: 4,
  Float64Array: 8,
  BigInt64Array: 8,
  BigUint64Array: 8,
};

/** A copy of `bytes` with every `elementSize`-byte group reversed (big-endian → little-endian). */
export function swapBytes(bytes: Uint8Array, elementSize: number): Uint8Array {
  const swapped = new Uint8Array(bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += elementSize) {
    for (let i = 0; i < elementSize; i++) swapped[at + i] = bytes[at + elementSize - 1 - i]!;
  }
  return swapped;
}
