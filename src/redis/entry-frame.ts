/**
 * The bytes of one stored entry in Redis:
 *
 *   offset  size  field
 *        0     4  magic "DFTR"
 *        4     1  format version, currently 1
 *        5     8  checksum (uint64 LE): xxhash64 of the payload, seeded with xxhash64 of the key
 *       13     …  payload: v8 serialisation of the entry { value, outputHash, createdAt,
 *                 durationMs, itemHashes?, nodeName? } through the shared value codec
 *
 * Reading checks the magic, the version, the checksum, and that the payload deserialises to an
 * entry whose every field has its type; anything else is a miss. Seeding the checksum with the
 * key makes one hash say both "these are the bytes that were written" (a value altered in
 * place, say one digit of a number, must not come back as a different result) and "they were
 * written for this key" (an entry copied or renamed to another key is not that key's result),
 * without storing the key in the payload and copying the entry to take it out again on every
 * hit. The payload is data only: deserialising it runs no code.
 */
import { xx } from "../hashing/xxhash.js";
import { isCacheEntry } from "../cache/stored-shapes.js";
import type { CacheEntry } from "../cache/types.js";
import { deserializeValue, serializeValue } from "../cache/values/value-codec.js";

export const ENTRY_FORMAT_VERSION = 1;
const MAGIC = 0x52544644; // "DFTR" read as a little-endian uint32
const HEADER_BYTES = 13;

function checksum(key: string, payload: Uint8Array): bigint {
  return xx.h64Raw(payload, xx.h64(key));
}

export function encodeEntry(key: string, entry: CacheEntry): Buffer {
  // The whole entry is kept as given, so fields the runner adds later survive a round trip.
  const payload = serializeValue(entry);
  const framed = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  framed.writeUInt32LE(MAGIC, 0);
  framed.writeUInt8(ENTRY_FORMAT_VERSION, 4);
  framed.writeBigUInt64LE(checksum(key, payload), 5);
  payload.copy(framed, HEADER_BYTES);
  return framed;
}

export type DecodedEntry = { ok: true; entry: CacheEntry } | { ok: false; problem: string };

/** Never throws. */
export function decodeEntry(bytes: Buffer, key: string): DecodedEntry {
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) return { ok: false, problem: "not a daft entry (no DFTR header)" };
  const version = bytes[4];
  if (version !== ENTRY_FORMAT_VERSION) return { ok: false, problem: `entry format version ${version}, this daft reads ${ENTRY_FORMAT_VERSION}` };
  const payload = bytes.subarray(HEADER_BYTES);
  if (checksum(key, payload) !== bytes.readBigUInt64LE(5)) {
    return { ok: false, problem: "checksum mismatch (altered, or stored under another key)" };
  }
  let stored: unknown;
  try {
    stored = deserializeValue(payload);
  } catch (error) {
    return { ok: false, problem: `payload cannot be deserialised: ${(error as Error).message}` };
  }
  // v8 keeps an undefined `value` as a property: one that is missing was not written by daft.
  if (!isCacheEntry(stored) || !("value" in stored)) return { ok: false, problem: "payload is not a cache entry (a field is missing or has the wrong type)" };
  return { ok: true, entry: stored };
}
