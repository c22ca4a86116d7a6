/**
 * v8 (de)serialisation of stored entries.
 *
 * `v8.serialize` / `v8.deserialize` would do, but Node's default deserialiser returns every
 * typed array as a view into the whole file buffer: a 10-byte Uint8Array would keep a 1 GB read
 * alive, and its `.buffer` would expose the rest of the file. The deserialiser below copies each
 * one into its own memory, so a hit returns what the miss returned. Deserialising builds data
 * only: no constructor, getter or other user code runs.
 */
import { DefaultDeserializer, DefaultSerializer } from "node:v8";

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

export function serializeValue(value: unknown): Buffer {
  const serializer = new DefaultSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

/** Throws on malformed or unsupported data (e.g. written by a newer v8); callers treat it as a miss. */
export function deserializeValue(bytes: Uint8Array): unknown {
  const deserializer = new OwnedViewsDeserializer(bytes as Buffer);
  deserializer.readHeader();
  return deserializer.readValue();
}
