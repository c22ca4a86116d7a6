/**
 * The format of one blob file:
 *
 *   offset  size  field
 *        0     4  magic "DAFT"
 *        4     2  format version (uint16 LE), currently 1
 *        6     2  info length in bytes (uint16 LE)
 *        8     8  payload length in bytes (uint64 LE)
 *       16    16  xxhash64 of the payload, 16 lowercase hex digits (ASCII)
 *       32     …  info: UTF-8 JSON { key, nodeName?, createdAt } for listings
 *        …     …  payload: v8 serialisation of the entry plus its key: { key, value, outputHash,
 *                 createdAt, durationMs, itemHashes?, nodeName? }
 *
 * The info block duplicates what a listing needs (node, creation time) so `daft cache stats`
 * reads a few hundred bytes per file instead of deserialising every value. A file whose size,
 * magic, lengths or checksum disagree is reported as damaged and read as a miss; a file of an
 * unknown (newer) version is a miss but is left alone, so an older daft sharing the directory
 * does not destroy a newer one's results.
 */
import { hashBytes } from "../../hashing/xxhash.js";
import type { CacheEntry } from "../types.js";
import { deserializeValue, serializeValue } from "../values/value-codec.js";

export const BLOB_FORMAT_VERSION = 1;
export const HEADER_BYTES = 32;
const MAGIC = 0x54464144; // "DAFT" read as a little-endian uint32
const MAX_INFO_BYTES = 0xffff;

export interface BlobInfo {
  key: string;
  nodeName?: string;
  createdAt?: number;
}

type StoredPayload = CacheEntry & { key: string };

/** The file as chunks (header+info, payload), so a large payload is written without a copy. */
export function encodeBlob(key: string, entry: CacheEntry): Buffer[] {
  // The whole entry is kept as given (fields a user backend adds survive); the key is stored so
  // a read can check the file really holds the key asked for.
  const stored: StoredPayload = { ...entry, key };
  const payload = serializeValue(stored);

  const info: BlobInfo = { key };
  if (typeof entry.createdAt === "number") info.createdAt = entry.createdAt;
  if (entry.nodeName !== undefined) info.nodeName = entry.nodeName;
  let infoBytes = Buffer.from(JSON.stringify(info), "utf8");
  // Listings can live without the info of an absurdly long key or node name; the value cannot.
  if (infoBytes.length > MAX_INFO_BYTES) infoBytes = Buffer.alloc(0);

  const head = Buffer.allocUnsafe(HEADER_BYTES + infoBytes.length);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt16LE(BLOB_FORMAT_VERSION, 4);
  head.writeUInt16LE(infoBytes.length, 6);
  head.writeBigUInt64LE(BigInt(payload.length), 8);
  head.write(hashBytes(payload), 16, 16, "latin1");
  infoBytes.copy(head, HEADER_BYTES);
  return [head, payload];
}

export type DecodedBlob =
  | { ok: true; entry: CacheEntry }
  /** `damaged`: the file can never be read (delete it); `foreign`: not ours to judge (keep it). */
  | { ok: false; problem: "damaged" | "foreign"; detail: string };

interface Header {
  version: number;
  infoLength: number;
  payloadLength: number;
  checksum: string;
}

function readHeader(bytes: Buffer): Header | string {
  if (bytes.length < HEADER_BYTES) return `file is ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`;
  if (bytes.readUInt32LE(0) !== MAGIC) return "not a daft blob file (wrong magic)";
  return {
    version: bytes.readUInt16LE(4),
    infoLength: bytes.readUInt16LE(6),
    payloadLength: Number(bytes.readBigUInt64LE(8)),
    checksum: bytes.toString("latin1", 16, 32),
  };
}

/** Decodes a whole file; the stored key must equal `key`. Never throws. */
export function decodeBlob(bytes: Buffer, key: string): DecodedBlob {
  const header = readHeader(bytes);
  if (typeof header === "string") return { ok: false, problem: "damaged", detail: header };
  if (header.version !== BLOB_FORMAT_VERSION) {
    return { ok: false, problem: "foreign", detail: `blob format version ${header.version}, this daft reads ${BLOB_FORMAT_VERSION}` };
  }
  const payloadStart = HEADER_BYTES + header.infoLength;
  if (payloadStart + header.payloadLength !== bytes.length) {
    return { ok: false, problem: "damaged", detail: `size ${bytes.length} does not match the header (truncated or extended)` };
  }
  const payload = bytes.subarray(payloadStart);
  if (hashBytes(payload) !== header.checksum) return { ok: false, problem: "damaged", detail: "checksum mismatch" };
  let stored: unknown;
  try {
    stored = deserializeValue(payload);
  } catch (error) {
    return { ok: false, problem: "foreign", detail: `payload cannot be deserialised: ${(error as Error).message}` };
  }
  if (!isStoredPayload(stored)) return { ok: false, problem: "damaged", detail: "payload is not a stored entry" };
  const { key: storedKey, ...entry } = stored;
  if (storedKey !== key) return { ok: false, problem: "foreign", detail: "file holds another key" };
  return { ok: true, entry };
}

function isStoredPayload(value: unknown): value is StoredPayload {
  if (value === null || typeof value !== "object") return false;
  // Only what reading needs is checked: the checksum already vouches for the bytes, and an
  // entry stored by a user with fewer fields must come back as it went in.
  return typeof (value as { key?: unknown }).key === "string" && "value" in value;
}

/** How many leading bytes to read to get the info block (header first, then the rest if needed). */
export const INFO_PROBE_BYTES = 512;

/**
 * The info block from the first bytes of a file, or undefined if they are not a readable header.
 * `needed` is returned when the probe was too short and that many bytes are required.
 */
export function decodeInfo(head: Buffer): BlobInfo | { needed: number } | undefined {
  const header = readHeader(head);
  if (typeof header === "string" || header.version !== BLOB_FORMAT_VERSION) return undefined;
  const end = HEADER_BYTES + header.infoLength;
  if (head.length < end) return { needed: end };
  if (header.infoLength === 0) return undefined;
  try {
    const info = JSON.parse(head.toString("utf8", HEADER_BYTES, end)) as BlobInfo;
    return info && typeof info === "object" && typeof info.key === "string" ? info : undefined;
  } catch {
    return undefined;
  }
}
