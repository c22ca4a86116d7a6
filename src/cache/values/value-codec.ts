/**
 * v8 (de)serialisation of stored entries.
 *
 * `v8.serialize` / `v8.deserialize` would do, but Node's default deserialiser returns every
 * typed array as a view into the whole file buffer: a 10-byte Uint8Array would keep a 1 GB read
 * alive, and its `.buffer` would expose the rest of the file. The deserialiser below copies each
 * one into its own memory, so a hit returns what the miss returned. Deserialising builds data
 * only: no constructor, getter or other user code runs.
 *
 * v8 also gives objects without a prototype (`Object.create(null)`) an `Object.prototype`. The
 * bytes therefore carry, after v8's header, a count and the paths of those objects (usually
 * none: one byte), and reading sets their prototype back to null.
 */
import { DefaultDeserializer, DefaultSerializer } from "node:v8";
import { nullPrototypePaths, type ValueStep } from "./storable.js";

interface HostObjectReader {
  _readHostObject(): unknown;
}

class OwnedViewsDeserializer extends DefaultDeserializer {
  _readHostObject(): unknown {
    const view = (DefaultDeserializer.prototype as unknown as HostObjectReader)._readHostObject.call(this);
    return ownCopy(view);
  }
}

function ownCopy(view: unknown): unknown {
  if (Buffer.isBuffer(view)) return Buffer.from(view);
  if (view instanceof DataView) {
    return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  }
  if (ArrayBuffer.isView(view)) {
    const TypedArray = view.constructor as new (source: ArrayBufferView) => ArrayBufferView;
    return new TypedArray(view);
  }
  return view;
}

export interface SerializeOptions {
  /**
   * What `checkStorable` said of the value: false skips the search for objects without a
   * prototype. Left out, the value is searched.
   */
  hasNullPrototype?: boolean;
  /**
   * Bytes to leave free at the start of the returned buffer, for a header of the caller's own
   * (saves copying the payload behind it); the serialised bytes follow them.
   */
  headroom?: number;
}

export function serializeValue(value: unknown, options: SerializeOptions = {}): Buffer {
  const paths = options.hasNullPrototype === false ? [] : nullPrototypePaths(value);
  const serializer = new DefaultSerializer();
  if (options.headroom) serializer.writeRawBytes(Buffer.alloc(options.headroom));
  serializer.writeHeader();
  serializer.writeUint32(paths.length);
  if (paths.length > 0) serializer.writeValue(paths);
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

/** Throws on malformed or unsupported data (e.g. written by a newer v8); callers treat it as a miss. */
export function deserializeValue(bytes: Uint8Array): unknown {
  const deserializer = new OwnedViewsDeserializer(bytes as Buffer);
  deserializer.readHeader();
  const count = deserializer.readUint32();
  const paths = count > 0 ? deserializer.readValue() : undefined;
  const value = deserializer.readValue();
  if (paths !== undefined) restoreNullPrototypes(value, paths);
  return value;
}

/** Gives the objects at `paths` their null prototype back; steps that lead nowhere are skipped. */
function restoreNullPrototypes(root: unknown, paths: unknown): void {
  if (!Array.isArray(paths)) return;
  for (const path of paths) {
    if (!Array.isArray(path)) continue;
    let part: unknown = root;
    for (const step of path as unknown[]) part = follow(part, step);
    if (part !== null && typeof part === "object" && Object.getPrototypeOf(part) === Object.prototype) Object.setPrototypeOf(part, null);
  }
}

function follow(part: unknown, step: unknown): unknown {
  if (part === null || typeof part !== "object" || !Array.isArray(step)) return undefined;
  const [kind, at] = step as ValueStep;
  if (kind === "p" && typeof at === "string") return Object.prototype.hasOwnProperty.call(part, at) ? (part as Record<string, unknown>)[at] : undefined;
  if (typeof at !== "number") return undefined;
  if (part instanceof Map && (kind === "mk" || kind === "mv")) {
    let index = 0;
    for (const [key, item] of part) if (index++ === at) return kind === "mk" ? key : item;
  }
  if (part instanceof Set && kind === "s") {
    let index = 0;
    for (const item of part) if (index++ === at) return item;
  }
  return undefined;
}
