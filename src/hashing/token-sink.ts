/**
 * Where the serializer's tokens go: a reusable byte buffer. A small value (the common case) is
 * written into it and hashed with one `h64Raw` call: no stream, no strings built. When the buffer
 * fills, its bytes are fed to a streaming xxhash64 (`create64`) and the buffer is reused; large
 * binary values go to the stream straight from their own memory, in views of BYTE_CHUNK bytes.
 * Either way the digest is that of the same byte sequence.
 *
 * The sink is module state rather than an object so the hot path is a plain byte store. It is
 * re-entrant: a hash may start while another is in progress (the per-entry digests of a Map, or a
 * cache key method that calls hashValue). The inner hash writes after the outer one's pending
 * bytes (from `start`), streams only its own bytes, and `end()` gives the space back.
 */
import { Tag } from "./tags.js";
import { encodeWtf8Into, isHighSurrogate, isWellFormed } from "./wtf8.js";
import { xx, type XXHash64Stream } from "./xxhash.js";

const INITIAL_CAPACITY = 1 << 16;
/** Binary values up to this size are copied into the buffer; larger ones are streamed in place. */
const COPY_BYTES_MAX = 1 << 12;
/** Larger binary values are streamed in views of this size (bounds the wasm memory they need). */
const BYTE_CHUNK = 1 << 20;
/** Strings up to this length are encoded by a plain loop; longer ones by TextEncoder in slices. */
const LOOP_ENCODE_MAX = 256;
/** Ill-formed long strings are encoded in slices of this many UTF-16 units. */
const TEXT_SLICE = 1 << 12;

const encoder = new TextEncoder();
let buffer = new Uint8Array(INITIAL_CAPACITY);
let view = new DataView(buffer.buffer);
/** Next free byte. */
let position = 0;
/** First byte of the current hash (0 unless nested). */
let start = 0;
/** The stream of the current hash, created when its bytes first overflow the buffer. */
let stream: XXHash64Stream | undefined;
let active = 0;
const suspended: (number | XXHash64Stream | undefined)[] = [];

/** Starts a hash; pair every call with `end()` (in a `finally`). */
export function begin(): void {
  if (active > 0) {
    suspended.push(start, stream);
    start = position;
    stream = undefined;
  } else {
    position = 0;
    start = 0;
    stream = undefined;
  }
  active++;
}

/** Ends the innermost hash and resumes the one it interrupted, if any. */
export function end(): void {
  active--;
  position = start;
  if (active > 0) {
    stream = suspended.pop() as XXHash64Stream | undefined;
    start = suspended.pop() as number;
  } else {
    stream = undefined;
  }
}

/** The digest of everything written since `begin()`, as 16 lowercase hex digits. */
export function digest(): string {
  if (stream === undefined) return toHex(xx.h64Raw(start === 0 ? headView(position) : buffer.subarray(start, position)));
  flush();
  return toHex(stream.digest());
}

export function writeTag(tag: number): void {
  if (position >= buffer.length) makeRoom(1);
  buffer[position++] = tag;
}

/**
 * `n` + the IEEE-754 float64 bits, little-endian: exact, and cheaper than decimal text. `-0`
 * keeps its own bits (it differs from 0); every NaN is written as the one canonical quiet NaN.
 */
export function writeNumber(value: number): void {
  if (position + 9 > buffer.length) makeRoom(9);
  buffer[position++] = Tag.number;
  view.setFloat64(position, value === value ? value : NaN, true);
  position += 8;
}

/** A non-negative integer followed by `;` (sizes, counts, back-reference distances). */
export function writeCount(count: number): void {
  if (position + 24 > buffer.length) makeRoom(24);
  writeDigits(count);
  buffer[position++] = Tag.end;
}

/** `<tag><UTF-16 length>:<WTF-8 text>`; pass `NO_TAG` for a bare length-prefixed text (keys). */
export function writeText(tag: number, text: string): void {
  const length = text.length;
  if (position + 24 > buffer.length) makeRoom(24);
  if (tag !== NO_TAG) buffer[position++] = tag;
  writeDigits(length);
  buffer[position++] = Tag.lengthEnd;
  if (length > LOOP_ENCODE_MAX) return writeLongText(text);
  if (position + 3 * length > buffer.length) makeRoom(3 * length);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      position = encodeWtf8Into(text, i, length, buffer, position);
      return;
    }
    buffer[position++] = code;
  }
}
export const NO_TAG = -1;

/** ASCII text as is (digits of a bigint or a time, digests). */
export function writeAscii(text: string): void {
  if (text.length > LOOP_ENCODE_MAX) return writeLongText(text);
  if (position + text.length > buffer.length) makeRoom(text.length);
  for (let i = 0; i < text.length; i++) buffer[position++] = text.charCodeAt(i);
}

/** Raw bytes, in order after everything written so far. */
export function writeBytes(bytes: Uint8Array): void {
  const size = bytes.byteLength;
  if (size <= COPY_BYTES_MAX) {
    if (position + size > buffer.length) makeRoom(size);
    buffer.set(bytes, position);
    position += size;
    return;
  }
  flush();
  for (let at = 0; at < size; at += BYTE_CHUNK) stream!.update(bytes.subarray(at, Math.min(at + BYTE_CHUNK, size)));
}

/** Decimal digits of a non-negative safe integer, without building a string. */
function writeDigits(value: number): void {
  if (value < 10) {
    buffer[position++] = 0x30 + value;
    return;
  }
  let digits = 1;
  for (let power = 10; power <= value; power *= 10) digits++;
  let at = position + digits;
  position = at;
  do {
    buffer[--at] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  } while (value > 0);
}

function writeLongText(text: string): void {
  const length = text.length;
  if (isWellFormed(text)) {
    // TextEncoder never splits a code point across calls: it stops when the next one does not fit.
    let read = 0;
    while (read < length) {
      if (buffer.length - position < 4) makeRoom(4);
      const result = encoder.encodeInto(read === 0 ? text : text.slice(read), buffer.subarray(position));
      read += result.read;
      position += result.written;
      if (read < length) flush();
    }
    return;
  }
  for (let from = 0; from < length; ) {
    let to = Math.min(from + TEXT_SLICE, length);
    if (to < length && isHighSurrogate(text.charCodeAt(to - 1))) to--;
    if (position + 3 * (to - from) > buffer.length) makeRoom(3 * (to - from));
    position = encodeWtf8Into(text, from, to, buffer, position);
    from = to;
  }
}

/** Streams the current hash's pending bytes, then grows the buffer if that did not free `size` bytes. */
function makeRoom(size: number): void {
  flush();
  if (buffer.length - position < size) {
    const grown = new Uint8Array(Math.max(buffer.length * 2, position + size));
    grown.set(buffer.subarray(0, position));
    buffer = grown;
    view = new DataView(grown.buffer);
    headViews = [];
  }
}

/**
 * Views of the buffer's first `length` bytes, kept for small lengths: a small value's digest then
 * allocates no view (a typed array view costs more to allocate than hashing 50 bytes).
 */
const HEAD_VIEWS_MAX = 512;
/** Emptied when the buffer is replaced. */
let headViews: Uint8Array[] = [];

function headView(length: number): Uint8Array {
  if (length > HEAD_VIEWS_MAX) return buffer.subarray(0, length);
  let view = headViews[length];
  if (view === undefined) view = headViews[length] = buffer.subarray(0, length);
  return view;
}

function flush(): void {
  stream ??= xx.create64();
  if (position > start) {
    stream.update(buffer.subarray(start, position));
    position = start;
  }
}

function toHex(hash: bigint): string {
  return hash.toString(16).padStart(16, "0");
}
