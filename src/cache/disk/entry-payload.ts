/**
 * The payload of a value record (format 2): one kind byte, then either
 *
 *   KIND_V8       the entry, v8-serialised (value-codec.ts): any storable value
 *   KIND_COMPACT  a runner's entry whose value is a primitive, laid out by hand:
 *
 *     offset  size  field
 *          1    16  output hash, 16 lowercase hex digits (ASCII)
 *         17     8  createdAt (float64 LE)
 *         25     8  durationMs (float64 LE)
 *         33     4  node name length in bytes (uint32 LE), 0xffffffff when the entry has none
 *         37     …  node name (UTF-8)
 *          …     1  value kind: 0 undefined, 1 null, 2 false, 3 true, 4 number, 5 string
 *          …     …  number: float64 LE; string: its UTF-8 bytes, to the end of the payload
 *
 * Mapped nodes over many small items mostly store numbers, labels and flags; v8's serialiser
 * costs several microseconds per entry for them, a fixed layout well under one, and reading it
 * back needs no deserialiser. Strings go the compact way only when they are well formed
 * (UTF-8 cannot carry a lone surrogate); anything else goes through v8, as before.
 *
 * Format 1 records (a payload that is the v8 entry alone, with no kind byte) are still read.
 */
import type { CacheEntry } from "../types.js";
import { deserializeValue, serializeValue } from "../values/value-codec.js";

const KIND_V8 = 1;
const KIND_COMPACT = 2;
const NO_NODE_NAME = 0xffffffff;
const HEX16 = /^[0-9a-f]{16}$/;
/** A lone surrogate (in `u` mode a pair is one code point, so only a lone one matches). */
const LONE_SURROGATE = /\p{Cs}/u;
const COMPACT_FIXED_BYTES = 1 + 16 + 8 + 8 + 4 + 1;

const enum ValueKind {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  String = 5,
}

/**
 * The payload of `entry`, after `headroom` free bytes (for the record header); throws what v8
 * throws for a value it cannot serialise.
 */
export function encodeEntryPayload(entry: CacheEntry, headroom: number, hasNullPrototype: boolean | undefined): Buffer {
  const compact = compactLayout(entry);
  if (compact === undefined) {
    const serialized = serializeValue(entry, { hasNullPrototype, headroom: headroom + 1 });
    serialized[headroom] = KIND_V8;
    return serialized;
  }
  const { nodeName, valueBytes } = compact;
  const bytes = Buffer.allocUnsafe(headroom + COMPACT_FIXED_BYTES + (nodeName?.length ?? 0) + valueBytes);
  let at = headroom;
  bytes[at++] = KIND_COMPACT;
  at += bytes.write(entry.outputHash, at, 16, "latin1");
  at = bytes.writeDoubleLE(entry.createdAt, at);
  at = bytes.writeDoubleLE(entry.durationMs, at);
  at = bytes.writeUInt32LE(nodeName ? nodeName.length : NO_NODE_NAME, at);
  if (nodeName) at += nodeName.copy(bytes, at);
  const { value } = entry;
  if (value === undefined) bytes[at] = ValueKind.Undefined;
  else if (value === null) bytes[at] = ValueKind.Null;
  else if (value === false) bytes[at] = ValueKind.False;
  else if (value === true) bytes[at] = ValueKind.True;
  else if (typeof value === "number") {
    bytes[at] = ValueKind.Number;
    bytes.writeDoubleLE(value, at + 1);
  } else {
    bytes[at] = ValueKind.String;
    bytes.write(value as string, at + 1, "utf8");
  }
  return bytes;
}

/** The entry in a format 2 payload; throws when the bytes are not one (the caller's checksum passed: a foreign writer). */
export function decodeEntryPayload(payload: Uint8Array): CacheEntry {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  if (bytes.length < 1) throw new Error("empty payload");
  if (bytes[0] === KIND_V8) return deserializeValue(bytes.subarray(1)) as CacheEntry;
  if (bytes[0] !== KIND_COMPACT) throw new Error(`unknown payload kind ${bytes[0]}`);
  if (bytes.length < COMPACT_FIXED_BYTES) throw new Error("compact payload shorter than its fixed fields");
  const outputHash = bytes.toString("latin1", 1, 17);
  const createdAt = bytes.readDoubleLE(17);
  const durationMs = bytes.readDoubleLE(25);
  const nameField = bytes.readUInt32LE(33);
  let at = 37;
  let nodeName: string | undefined;
  if (nameField !== NO_NODE_NAME) {
    if (at + nameField + 1 > bytes.length) throw new Error("node name runs past the end of the payload");
    nodeName = bytes.toString("utf8", at, at + nameField);
    at += nameField;
  }
  const kind = bytes[at++];
  const rest = bytes.length - at;
  let value: unknown;
  switch (kind) {
    case ValueKind.Undefined:
    case ValueKind.Null:
    case ValueKind.False:
    case ValueKind.True:
      if (rest !== 0) throw new Error("bytes after a value that has none");
      value = kind === ValueKind.Null ? null : kind === ValueKind.False ? false : kind === ValueKind.True ? true : undefined;
      break;
    case ValueKind.Number:
      if (rest !== 8) throw new Error("a number is not 8 bytes");
      value = bytes.readDoubleLE(at);
      break;
    case ValueKind.String:
      value = bytes.toString("utf8", at);
      break;
    default:
      throw new Error(`unknown value kind ${kind}`);
  }
  const entry: CacheEntry = { value, outputHash, createdAt, durationMs };
  if (nodeName !== undefined) entry.nodeName = nodeName;
  return entry;
}

/** What the compact layout needs to know up front, or undefined when the entry must go through v8. */
function compactLayout(entry: CacheEntry): { nodeName: Buffer | undefined; valueBytes: number } | undefined {
  if (Object.getPrototypeOf(entry) !== Object.prototype) return undefined;
  let fields = 0;
  for (const name in entry) {
    if (name !== "value" && name !== "outputHash" && name !== "createdAt" && name !== "durationMs" && name !== "nodeName") return undefined;
    fields += 1;
  }
  const { value, outputHash, createdAt, durationMs, nodeName } = entry;
  const hasNodeName = Object.hasOwn(entry, "nodeName");
  if (fields !== (hasNodeName ? 5 : 4) || !Object.hasOwn(entry, "value")) return undefined;
  if (typeof outputHash !== "string" || !HEX16.test(outputHash) || typeof createdAt !== "number" || typeof durationMs !== "number") return undefined;
  if (hasNodeName && (typeof nodeName !== "string" || LONE_SURROGATE.test(nodeName))) return undefined;
  let valueBytes: number;
  if (value === undefined || value === null || typeof value === "boolean") valueBytes = 0;
  else if (typeof value === "number") valueBytes = 8;
  else if (typeof value === "string" && !LONE_SURROGATE.test(value)) valueBytes = Buffer.byteLength(value, "utf8");
  else return undefined;
  return { nodeName: hasNodeName ? Buffer.from(nodeName!, "utf8") : undefined, valueBytes };
}
