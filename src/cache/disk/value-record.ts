/**
 * The bytes DiskCache keeps in its store for one entry: a value record and an index record.
 *
 * Value record (in the `values` database, under the entry's id):
 *
 *   offset  size  field
 *        0     4  magic "DAFV"
 *        4     2  format version (uint16 LE), currently 2 (1 is still read)
 *        6     2  length of the key in bytes (uint16 LE); 0xffff when the key is the id itself
 *        8     8  payload length in bytes (float64 LE, an integer)
 *       16    16  xxhash64 of the payload, 16 lowercase hex digits (ASCII)
 *       32     …  the key (UTF-8), so a read can check the record holds the key asked for
 *        …     …  the payload (entry-payload.ts; format 1: the v8-serialised entry alone),
 *                   unless it is stored in chunks
 *
 * A payload larger than `chunking.bytes` is stored in chunks under `<id>/0`, `<id>/1`, … (see
 * chunkIdOf), written in the same transaction, and the record holds no payload bytes; a reader
 * concatenates chunks until it has the payload's length, so it needs no chunk size. The checksum
 * covers the whole payload: a missing or damaged chunk fails it like a damaged inline payload.
 * Chunks keep every record far below LMDB's per-value limit (4 GiB) and let values up to what v8
 * can serialise be stored.
 *
 * Index record (in the `index` database, under the same id): what listings and eviction need,
 * without reading the value.
 *
 *        0     8  last use (float64 LE, ms since the epoch)
 *        8     8  creation time (float64 LE; NaN when unknown)
 *       16     8  bytes stored for the entry: value record plus chunks (float64 LE)
 *       24     4  node name length in bytes (uint32 LE), 0xffffffff when there is none
 *       28     4  key length in bytes (uint32 LE), 0xffffffff when the key is the id itself
 *       32     …  node name (UTF-8), then the key (UTF-8)
 *
 * Everything read is checked (lengths against the record's size, checksum, key); a record
 * that fails is damaged and reads as a miss.
 */
import { hashBytes } from "../../hashing/xxhash.js";
import type { CacheEntry } from "../types.js";
import { deserializeValue } from "../values/value-codec.js";
import { decodeEntryPayload } from "./entry-payload.js";

export const VALUE_FORMAT_VERSION = 2;
/** Records of this format are still read (their payload is the v8-serialised entry alone). */
const V8_ONLY_FORMAT_VERSION = 1;
export const VALUE_HEADER_BYTES = 32;
const MAGIC = 0x56464144; // "DAFV" read as a little-endian uint32
const KEY_IS_ID = 0xffff;
const MAX_KEY_BYTES = KEY_IS_ID - 1;
/** Payloads above this size are stored in chunks of this size (a setting only so tests can use small values). */
export const chunking = { bytes: 64 * 1024 * 1024 };
const INDEX_HEADER_BYTES = 32;
const NO_NODE_NAME = 0xffffffff;
const INDEX_KEY_IS_ID = 0xffffffff;

export function chunkIdOf(id: string, index: number): string {
  return `${id}/${index}`;
}

/** A value record and its chunks, ready to be written. */
export interface EncodedValue {
  record: Buffer;
  /** Empty unless the payload is larger than `chunking.bytes`. */
  chunks: Buffer[];
  /** Bytes of the record plus its chunks. */
  bytes: number;
  /** The serialised entry alone. */
  payload: Buffer;
}

/** Bytes before the payload in a record whose key is its id: what `encodeValue` wants as headroom. */
export const VALUE_HEADROOM = VALUE_HEADER_BYTES;

/**
 * The record of a payload. `payload` may start with VALUE_HEADROOM free bytes (`headroom` true),
 * into which the header is written so the payload is not copied: the common case of a key that
 * is its id and a payload stored inline.
 */
export function encodeValue(id: string, key: string, serialized: Buffer, headroom = false): EncodedValue {
  const payload = headroom ? serialized.subarray(VALUE_HEADROOM) : serialized;
  const sameAsId = key === id;
  const keyBytes = sameAsId ? Buffer.alloc(0) : Buffer.from(key, "utf8");
  if (keyBytes.length > MAX_KEY_BYTES) throw new RangeError(`the key is ${keyBytes.length} bytes long, more than the ${MAX_KEY_BYTES} a record holds`);
  const chunked = payload.length > chunking.bytes;
  const inPlace = headroom && sameAsId && !chunked;
  const record = inPlace ? serialized : Buffer.allocUnsafe(VALUE_HEADER_BYTES + keyBytes.length + (chunked ? 0 : payload.length));
  record.writeUInt32LE(MAGIC, 0);
  record.writeUInt16LE(VALUE_FORMAT_VERSION, 4);
  record.writeUInt16LE(sameAsId ? KEY_IS_ID : keyBytes.length, 6);
  record.writeDoubleLE(payload.length, 8);
  record.write(hashBytes(payload), 16, 16, "latin1");
  keyBytes.copy(record, VALUE_HEADER_BYTES);
  const chunks: Buffer[] = [];
  if (chunked) {
    for (let offset = 0; offset < payload.length; offset += chunking.bytes) chunks.push(payload.subarray(offset, offset + chunking.bytes));
  } else if (!inPlace) {
    payload.copy(record, VALUE_HEADER_BYTES + keyBytes.length);
  }
  return { record, chunks, bytes: record.length + (chunked ? payload.length : 0), payload };
}

export type DecodedValue =
  | { ok: true; entry: CacheEntry }
  /** `damaged`: can never be read (delete it); `foreign`: not ours to judge (a newer format, another key). */
  | { ok: false; problem: "damaged" | "foreign"; detail: string };

/** What the header says, before the payload is read. */
export interface ValueHeader {
  /** The record's format (decides how the payload reads). */
  version: number;
  payloadLength: number;
  checksum: string;
  /** Where the inline payload starts in the record. */
  payloadStart: number;
  /** Whether the payload is in chunks rather than in the record. */
  chunked: boolean;
}

/** Reads and checks a value record's header; `key` must be the one stored. A string says what is wrong. */
export function readValueHeader(record: Uint8Array, id: string, key: string): ValueHeader | { problem: "damaged" | "foreign"; detail: string } {
  const bytes = viewOf(record);
  if (bytes.length < VALUE_HEADER_BYTES) return { problem: "damaged", detail: `record is ${bytes.length} bytes, shorter than its header` };
  if (bytes.readUInt32LE(0) !== MAGIC) return { problem: "damaged", detail: "not a daft value record (wrong magic)" };
  const version = bytes.readUInt16LE(4);
  if (version !== VALUE_FORMAT_VERSION && version !== V8_ONLY_FORMAT_VERSION) return { problem: "foreign", detail: `value format version ${version}, this daft reads ${V8_ONLY_FORMAT_VERSION} and ${VALUE_FORMAT_VERSION}` };
  const keyField = bytes.readUInt16LE(6);
  const keyLength = keyField === KEY_IS_ID ? 0 : keyField;
  const payloadLength = bytes.readDoubleLE(8);
  if (!Number.isSafeInteger(payloadLength) || payloadLength < 0) return { problem: "damaged", detail: "payload length is not a byte count" };
  const payloadStart = VALUE_HEADER_BYTES + keyLength;
  if (payloadStart > bytes.length) return { problem: "damaged", detail: "key runs past the end of the record" };
  const storedKey = keyField === KEY_IS_ID ? id : bytes.toString("utf8", VALUE_HEADER_BYTES, payloadStart);
  if (storedKey !== key) return { problem: "foreign", detail: "record holds another key" };
  // A payload is never empty (v8's header alone is bytes): no payload bytes in the record means chunks.
  const inline = bytes.length - payloadStart;
  const chunked = inline === 0 && payloadLength > 0;
  if (!chunked && inline !== payloadLength) return { problem: "damaged", detail: `size ${bytes.length} does not match the header (truncated or extended)` };
  return { version, payloadLength, checksum: bytes.toString("latin1", 16, 32), payloadStart, chunked };
}

/** Checks the payload against the header's checksum and deserialises it. Never throws. */
export function decodePayload(payload: Uint8Array, header: ValueHeader): DecodedValue {
  if (payload.length !== header.payloadLength) return { ok: false, problem: "damaged", detail: "payload is not as long as the header says" };
  if (hashBytes(payload) !== header.checksum) return { ok: false, problem: "damaged", detail: "checksum mismatch" };
  let entry: unknown;
  try {
    entry = header.version === V8_ONLY_FORMAT_VERSION ? deserializeValue(payload) : decodeEntryPayload(payload);
  } catch (error) {
    // The checksum vouches for the bytes: they were written by a v8 this one cannot read.
    return { ok: false, problem: "foreign", detail: `payload cannot be deserialised: ${(error as Error).message}` };
  }
  if (entry === null || typeof entry !== "object" || !("value" in entry)) return { ok: false, problem: "damaged", detail: "payload is not a stored entry" };
  return { ok: true, entry: entry as CacheEntry };
}

/** What the index keeps per entry. */
export interface IndexRecord {
  lastAccess: number;
  createdAt: number | undefined;
  bytes: number;
  nodeName: string | undefined;
  /** The key, when it is not the id itself. */
  key: string | undefined;
}

export function encodeIndex(record: IndexRecord): Buffer {
  const nodeName = record.nodeName === undefined ? undefined : Buffer.from(record.nodeName, "utf8");
  const key = record.key === undefined ? Buffer.alloc(0) : Buffer.from(record.key, "utf8");
  const bytes = Buffer.allocUnsafe(INDEX_HEADER_BYTES + (nodeName?.length ?? 0) + key.length);
  bytes.writeDoubleLE(record.lastAccess, 0);
  bytes.writeDoubleLE(record.createdAt ?? NaN, 8);
  bytes.writeDoubleLE(record.bytes, 16);
  bytes.writeUInt32LE(nodeName ? nodeName.length : NO_NODE_NAME, 24);
  bytes.writeUInt32LE(record.key === undefined ? INDEX_KEY_IS_ID : key.length, 28);
  nodeName?.copy(bytes, INDEX_HEADER_BYTES);
  key.copy(bytes, INDEX_HEADER_BYTES + (nodeName?.length ?? 0));
  return bytes;
}

/** The index record, or undefined when the bytes are not one. */
export function decodeIndex(record: Uint8Array): IndexRecord | undefined {
  const bytes = viewOf(record);
  if (bytes.length < INDEX_HEADER_BYTES) return undefined;
  const lastAccess = bytes.readDoubleLE(0);
  const createdAt = bytes.readDoubleLE(8);
  const size = bytes.readDoubleLE(16);
  const nodeLength = bytes.readUInt32LE(24);
  const keyField = bytes.readUInt32LE(28);
  const keyLength = keyField === INDEX_KEY_IS_ID ? 0 : keyField;
  const nodeBytes = nodeLength === NO_NODE_NAME ? 0 : nodeLength;
  if (INDEX_HEADER_BYTES + nodeBytes + keyLength !== bytes.length) return undefined;
  if (!Number.isFinite(lastAccess) || !Number.isSafeInteger(size) || size < 0) return undefined;
  return {
    lastAccess,
    createdAt: Number.isFinite(createdAt) ? createdAt : undefined,
    bytes: size,
    nodeName: nodeLength === NO_NODE_NAME ? undefined : bytes.toString("utf8", INDEX_HEADER_BYTES, INDEX_HEADER_BYTES + nodeBytes),
    key: keyField === INDEX_KEY_IS_ID ? undefined : bytes.toString("utf8", INDEX_HEADER_BYTES + nodeBytes, INDEX_HEADER_BYTES + nodeBytes + keyLength),
  };
}

/** Only the last use, read straight from an index record (the hit path needs nothing else). */
export function lastAccessOf(record: Uint8Array): number {
  return record.length >= 8 ? Buffer.from(record.buffer, record.byteOffset, 8).readDoubleLE(0) : -Infinity;
}

/**
 * A Buffer over exactly the record's bytes. lmdb-js returns reads in one reusable buffer whose
 * `length` is the record's size while its `byteLength` is the whole buffer's, so `length` it is.
 */
export function viewOf(record: Uint8Array): Buffer {
  // A view made here already is one (hits check a record through several readers).
  if (record.byteLength === record.length && Buffer.isBuffer(record)) return record;
  return Buffer.from(record.buffer, record.byteOffset, record.length);
}
