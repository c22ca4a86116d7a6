/**
 * What a load hook receives as a module's source, read cheaply. Node hands over a string, a
 * Buffer or another typed array, or nothing at all (CommonJS under some Node versions: the
 * caller then reads the file). The
 * text check runs on the bytes, so a module that never mentions daft is not even decoded.
 */
export type LoadedSource = string | ArrayBuffer | ArrayBufferView | null | undefined;

const NEEDLE = "daft";
/** As bytes, so Buffer.indexOf does not convert the string on every call. */
const NEEDLE_BYTES = Buffer.from(NEEDLE);

/** Whether the source may mention daft (false means: certainly not, leave the module alone). */
export function sourceMentionsDaft(source: string | Buffer): boolean {
  return typeof source === "string" ? source.indexOf(NEEDLE) !== -1 : source.indexOf(NEEDLE_BYTES) !== -1;
}

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
