/**
 * Where the serializer's tokens go: a reusable byte buffer. A small value (the common case) is
 * written into it and hashed with one `h64Raw` call: no stream, no strings built. When the buffer
 * fills, its bytes are fed to a streaming xxhash64 (`create64`) and the buffer is reused; large
 * binary values go to the stream straight from their own memory, in views of BYTE_CHUNK bytes.
 * Either way the digest is that of the same byte sequence.
 *
 * The sink is module state rather than an object so the hot path is a plain byte store. It keeps
 * a stack of regions, each a run of bytes that will be hashed or inlined as a whole:
 * - a hash (`begin`/`digest`/`end`): the whole value, a Map entry, or a cache key method calling
 *   hashValue. It may start while another is in progress; its bytes follow the outer one's
 *   pending bytes, and `end()` gives the space back.
 * - a container (`openContainer`/`closeContainer`): a record, array, Map, Set… inside the value.
 *   If its tokens stay within INLINE_BYTES_MAX bytes they are part of its parent's bytes;
 *   otherwise they are hashed on their own and the parent gets `#<digest>` instead. The decision
 *   depends on the content only, so a shared part hashed once (and its digest reused) gives the
 *   same bytes as a copy of it written in full. Until its size is known to exceed the limit, a
 *   container's bytes stay in the buffer (it may still be inlined); once it is known, the
 *   container is promoted to a hash of its own and its bytes may be streamed like any hash's.
 *
 * Tracking containers costs time on every object, and no container can exceed the limit in a
 * value whose hashes (Map entries included) take INLINE_BYTES_MAX bytes in all. So a value is
 * first written untracked, in the buffer only; when its bytes outgrow that budget (or the
 * buffer), the sink throws RETRY_TRACKED and hashValue writes the value again with `tracking`
 * on. Small values, the common case, never pay for containers; large ones waste at most the
 * first 64 KiB. The budget counts every hash because a Map's token holds only digests of its
 * entries: a value can be small while hashing it is not.
 */
import { Tag } from "./tags.js";
import { encodeWtf8Into, isHighSurrogate, isWellFormed } from "./wtf8.js";
import { xx } from "./xxhash.js";

/**
 * A container whose tokens take more bytes than this is written as its digest. It bounds the
 * work of hashing a value whose parts are shared many times (each shared container larger than
 * this is hashed once) while every value whose nested containers are smaller hashes byte for byte
 * as a flat token stream.
 */
export const INLINE_BYTES_MAX = 1 << 16;

/** At least INLINE_BYTES_MAX: an untracked attempt writes only into the buffer, never past it. */
const INITIAL_CAPACITY = INLINE_BYTES_MAX;
/** Binary values up to this size are copied into the buffer; larger ones are streamed in place. */
const COPY_BYTES_MAX = 1 << 12;
/** Larger binary values are streamed in views of this size (bounds the wasm memory they need). */
const BYTE_CHUNK = 1 << 20;
/** Strings up to this length are encoded by a plain loop; longer ones by TextEncoder in slices. */
const LOOP_ENCODE_MAX = 256;
/** Ill-formed long strings are encoded in slices of this many UTF-16 units. */
const TEXT_SLICE = 1 << 12;

/** Whether containers are tracked: off for a value's first attempt (see the module comment). */
export let tracking = false;

/** Thrown by an untracked write that would take the value's hashes past INLINE_BYTES_MAX bytes in all. */
export const RETRY_TRACKED: unknown = Object.freeze({ toString: () => "daft: hash again with containers tracked" });
/** Set with every RETRY_TRACKED thrown, in case user code (a cache key method) swallowed it. */
let retryRequested = false;
/** Untracked: bytes of the hashes already ended (Map entries), counted against the budget. */
let spent = 0;

/** Starts an attempt at hashing a value, with containers tracked or not. */
export function setTracking(on: boolean): void {
  tracking = on;
  retryRequested = false;
}

/** Whether an untracked attempt overflowed, even if its RETRY_TRACKED was caught along the way. */
export function retryWasRequested(): boolean {
  return retryRequested;
}

function requestRetry(): never {
  retryRequested = true;
  throw RETRY_TRACKED;
}

/** A streaming xxhash64, whatever xxhash.ts builds it with. */
type HashStream = ReturnType<typeof xx.create64>;

/** A hash started by `begin()`. */
const HASH = 0;
/** A container that may still be inlined into its parent: its bytes are never streamed. */
const CONTAINER = 1;
/** A container known to exceed INLINE_BYTES_MAX: hashed on its own, streamed like a hash. */
const PROMOTED = 2;

const encoder = new TextEncoder();
let buffer = new Uint8Array(INITIAL_CAPACITY);
let view = new DataView(buffer.buffer);
/** Next free byte. */
let position = 0;
/**
 * Writes that would pass this position call `makeRoom` first: the buffer's end; inside a
 * container, the byte at which it would exceed INLINE_BYTES_MAX (so it is promoted on time);
 * untracked, the end of the attempt's budget.
 */
let limit = buffer.length;

/**
 * The innermost region, in scalars (the hot path touches nothing else); the regions it
 * interrupted are kept below in `outer*`. A region's pending bytes run from its start to the
 * next region's start (or `position`).
 */
let start = 0;
let kind = HASH;
/** The stream of a hash or promoted container, created when its bytes first leave the buffer. */
let stream: HashStream | undefined;
/** Regions open, the innermost included (0 between hashes). */
let regions = 0;
const outerStart: number[] = [];
const outerKind: number[] = [];
const outerStream: (HashStream | undefined)[] = [];

function pushRegion(newKind: number): void {
  const depth = regions - 1;
  outerStart[depth] = start;
  outerKind[depth] = kind;
  outerStream[depth] = stream;
  regions++;
  start = position;
  kind = newKind;
  stream = undefined;
  updateLimit();
}

function popRegion(): void {
  const depth = --regions - 1;
  start = outerStart[depth]!;
  kind = outerKind[depth]!;
  stream = outerStream[depth];
  outerStream[depth] = undefined;
  updateLimit();
}

function updateLimit(): void {
  const end = !tracking ? INLINE_BYTES_MAX - spent : kind === CONTAINER ? start + INLINE_BYTES_MAX : buffer.length;
  limit = end < buffer.length ? end : buffer.length;
}

/** Starts a hash; pair every call with `end()` (in a `finally`). */
export function begin(): void {
  if (regions > 0) return pushRegion(HASH);
  regions = 1;
  position = 0;
  start = 0;
  kind = HASH;
  stream = undefined;
  spent = 0;
  // The buffer never shrinks below INLINE_BYTES_MAX bytes.
  limit = tracking ? buffer.length : INLINE_BYTES_MAX;
}

/** Ends the innermost hash (and any container an error left open inside it) and resumes the one it interrupted. */
export function end(): void {
  while (kind !== HASH) popRegion();
  spent += position - start;
  position = start;
  if (regions > 1) return popRegion();
  regions = 0;
  stream = undefined;
}

/** The digest of everything written since `begin()`, as 16 lowercase hex digits. */
export function digest(): string {
  if (stream === undefined) return toHex(xx.h64Raw(start === 0 ? headView(position) : buffer.subarray(start, position)));
  stream.update(buffer.subarray(start, position));
  position = start;
  return toHex(stream.digest());
}

/** Starts a container (see the module comment); pair with `closeContainer()`. */
export function openContainer(): void {
  // The parent's bytes so far are final: past the limit, the parent is certain to be a digest.
  if (position > limit) makeRoom(0);
  pushRegion(CONTAINER);
}

/**
 * Ends the innermost container: its bytes stay in place when they fit INLINE_BYTES_MAX, else
 * they are replaced by `#<digest>`. Returns the bytes that now stand for the container when it
 * became a digest, or, with `keepInline`, when it stayed (a copy); otherwise undefined.
 */
export function closeContainer(keepInline: boolean): Uint8Array | undefined {
  const from = start;
  let hash: bigint;
  if (kind === CONTAINER) {
    if (position - from <= INLINE_BYTES_MAX) {
      popRegion();
      return keepInline ? buffer.slice(from, position) : undefined;
    }
    hash = xx.h64Raw(buffer.subarray(from, position));
  } else {
    const own = stream ?? xx.create64();
    own.update(buffer.subarray(from, position));
    hash = own.digest();
  }
  popRegion();
  position = from;
  const reference = encoder.encode(`#${toHex(hash)}`);
  writeBytes(reference);
  return reference;
}

export function writeTag(tag: number): void {
  if (position >= limit) makeRoom(1);
  buffer[position++] = tag;
}

/**
 * `n` + the IEEE-754 float64 bits, little-endian: exact, and cheaper than decimal text. `-0`
 * keeps its own bits (it differs from 0); every NaN is written as the one canonical quiet NaN.
 */
export function writeNumber(value: number): void {
  if (position + 9 > limit) makeRoom(9);
  buffer[position++] = Tag.number;
  view.setFloat64(position, value === value ? value : NaN, true);
  position += 8;
}

/** A non-negative integer followed by `;` (sizes, counts, back-reference distances). */
export function writeCount(count: number): void {
  if (position + 24 > limit) makeRoom(24);
  writeDigits(count);
  buffer[position++] = Tag.end;
}

/** `<tag><UTF-16 length>:<WTF-8 text>`; pass `NO_TAG` for a bare length-prefixed text (keys). */
export function writeText(tag: number, text: string): void {
  const length = text.length;
  if (position + 24 > limit) makeRoom(24);
  if (tag !== NO_TAG) buffer[position++] = tag;
  writeDigits(length);
  buffer[position++] = Tag.lengthEnd;
  if (length > LOOP_ENCODE_MAX) return writeLongText(text);
  if (position + 3 * length > limit) makeRoom(3 * length);
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
  if (position + text.length > limit) makeRoom(text.length);
  for (let i = 0; i < text.length; i++) buffer[position++] = text.charCodeAt(i);
}

/** Raw bytes, in order after everything written so far. */
export function writeBytes(bytes: Uint8Array): void {
  const size = bytes.byteLength;
  if (size <= COPY_BYTES_MAX) {
    if (position + size > limit) makeRoom(size);
    buffer.set(bytes, position);
    position += size;
    return;
  }
  if (kind === CONTAINER || !tracking) {
    if (position - start + size <= INLINE_BYTES_MAX) {
      if (position + size > limit) makeRoom(size);
      buffer.set(bytes, position);
      position += size;
      return;
    }
    if (!tracking) requestRetry();
    kind = PROMOTED;
  }
  compact();
  const own = (stream ??= xx.create64());
  for (let at = 0; at < size; at += BYTE_CHUNK) own.update(bytes.subarray(at, Math.min(at + BYTE_CHUNK, size)));
  updateLimit();
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
  if (!tracking) {
    if (position + length > limit) requestRetry();
    if (!isWellFormed(text)) {
      if (position + 3 * length > limit) makeRoom(3 * length);
      position = encodeWtf8Into(text, 0, length, buffer, position);
      return;
    }
    const result = encoder.encodeInto(text, buffer.subarray(position, limit));
    if (result.read < length) requestRetry();
    position += result.written;
    return;
  }
  // WTF-8 takes at least one byte per UTF-16 unit, so this container is certain to exceed the limit.
  if (kind === CONTAINER && position - start + length > INLINE_BYTES_MAX) kind = PROMOTED;
  if (kind === CONTAINER) {
    if (position + 3 * length > limit) makeRoom(3 * length);
    position = isWellFormed(text) ? position + encoder.encodeInto(text, buffer.subarray(position)).written : encodeWtf8Into(text, 0, length, buffer, position);
    return;
  }
  if (isWellFormed(text)) {
    // TextEncoder never splits a code point across calls: it stops when the next one does not fit.
    let read = 0;
    while (read < length) {
      if (buffer.length - position < 4) makeRoom(4);
      const result = encoder.encodeInto(read === 0 ? text : text.slice(read), buffer.subarray(position));
      read += result.read;
      position += result.written;
      if (read < length) makeSpace();
    }
    return;
  }
  for (let from = 0; from < length; ) {
    let to = Math.min(from + TEXT_SLICE, length);
    if (to < length && isHighSurrogate(text.charCodeAt(to - 1))) to--;
    if (position + 3 * (to - from) > limit) makeRoom(3 * (to - from));
    position = encodeWtf8Into(text, from, to, buffer, position);
    from = to;
  }
}

/**
 * Called when a write of up to `size` bytes would pass `limit`: promotes the innermost container
 * once it is certain to exceed INLINE_BYTES_MAX, and makes room in the buffer.
 */
function makeRoom(size: number): void {
  if (!tracking) requestRetry();
  if (kind === CONTAINER && position - start > INLINE_BYTES_MAX) kind = PROMOTED;
  if (position + size > buffer.length) makeSpace(size);
  else updateLimit();
}

/**
 * Streams the pending bytes of every hash and promoted container, moves the bytes of containers
 * that may still be inlined to the front, and grows the buffer when they leave less than `size`
 * bytes or a quarter of it free (so writes do not stream a few bytes at a time).
 */
function makeSpace(size = 0): void {
  compact();
  if (buffer.length - position < Math.max(size, buffer.length >>> 2)) {
    const grown = new Uint8Array(Math.max(buffer.length * 2, position + size));
    grown.set(buffer.subarray(0, position));
    buffer = grown;
    view = new DataView(grown.buffer);
    headViews = [];
  }
  updateLimit();
}

function compact(): void {
  const depth = regions - 1;
  let to = depth > 0 ? outerStart[0]! : start;
  for (let i = 0; i <= depth; i++) {
    const from = i < depth ? outerStart[i]! : start;
    const until = i + 1 < depth ? outerStart[i + 1]! : i + 1 === depth ? start : position;
    const regionKind = i < depth ? outerKind[i]! : kind;
    if (i < depth) outerStart[i] = to;
    else start = to;
    if (regionKind === CONTAINER) {
      if (to !== from) buffer.copyWithin(to, from, until);
      to += until - from;
    } else if (until > from) {
      if (i < depth) (outerStream[i] ??= xx.create64()).update(buffer.subarray(from, until));
      else (stream ??= xx.create64()).update(buffer.subarray(from, until));
    }
  }
  position = to;
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

function toHex(hash: bigint): string {
  return hash.toString(16).padStart(16, "0");
}
