/**
 * The bytes of one stored entry in Redis:
 *
 *   offset  size  field
 *        0     4  magic "DFTR"
 *        4     1  format version, currently 1
 *        5    16  xxhash64 of the payload, 16 lowercase hex digits (ASCII)
 *       21     …  payload: v8 serialisation of { key, value, outputHash, createdAt, durationMs,
 *                 itemHashes?, nodeName? } through the shared value codec
 *
 * Reading checks the magic, the version, the checksum (a value altered in place, say one digit
 * of a number, must not come back as a different result), that the payload deserialises to an
 * entry whose every field has its type, and that it was stored under the key asked for. Anything
 * else is a miss. The payload is data only: deserialising it runs no code.
 */
import { hashBytes } from "../hashing/xxhash.js";
import { isCacheEntry } from "../cache/stored-shapes.js";
import type { CacheEntry } from "../cache/types.js";
import { deserializeValue, serializeValue } from "../cache/values/value-codec.js";

export const ENTRY_FORMAT_VERSION = 1;
const MAGIC = Buffer.from("DFTR", "latin1");
const HEADER_BYTES = 21;

export function encodeEntry(key: string, entry: CacheEntry): Buffer {
  // The whole entry is kept as given, so fields the runner adds later survive a round trip.
  const payload = serializeValue({ ...entry, key });
  const framed = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  MAGIC.copy(framed, 0);
  framed.writeUInt8(ENTRY_FORMAT_VERSION, 4);
  framed.write(hashBytes(payload), 5, 16, "latin1");
  payload.copy(framed, HEADER_BYTES);
  return framed;
}

export type DecodedEntry = { ok: true; entry: CacheEntry } | { ok: false; problem: string };

/** Never throws. */
export function decodeEntry(bytes: Buffer, key: string): DecodedEntry {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) return { ok: false, problem: "not a daft entry (no DFTR header)" };
  const version = bytes.readUInt8(4);
  if (version !== ENTRY_FORMAT_VERSION) return { ok: false, problem: `entry format version ${version}, this daft reads ${ENTRY_FORMAT_VERSION}` };
  const payload = bytes.subarray(HEADER_BYTES);
  if (hashBytes(payload) !== bytes.toString("latin1", 5, HEADER_BYTES)) return { ok: false, problem: "checksum mismatch" };
  let stored: unknown;
  try {
    stored = deserializeValue(payload);
  } catch (error) {
    return { ok: false, problem: `payload cannot be deserialised: ${(error as Error).message}` };
  }
  if (!isCacheEntry(stored)) return { ok: false, problem: "payload is not a cache entry (a field is missing or has the wrong type)" };
  const { key: storedKey, ...entry } = stored as CacheEntry & { key?: unknown };
  if (storedKey !== key) return { ok: false, problem: "entry was stored under another key" };
  return { ok: true, entry };
}
