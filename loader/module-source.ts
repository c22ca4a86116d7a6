/**
 * What a load hook receives as a module's source, read without copying. Node hands over a
 * string, a Buffer or another typed array, or nothing at all (CommonJS under some Node
 * versions: the caller then reads the file). Kept as bytes until the transform's text check has
 * passed, so a module that never mentions daft is not even decoded.
 */
export type LoadedSource = string | ArrayBuffer | ArrayBufferView | null | undefined;

/** The bytes or text of `source`, without copying. */
export function rawSource(source: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof source === "string") return source;
  if (Buffer.isBuffer(source)) return source;
  if (ArrayBuffer.isView(source)) return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  return Buffer.from(source);
}

export function sourceText(source: string | Buffer): string {
  return typeof source === "string" ? source : source.toString("utf8");
}
