/**
 * What a load hook receives as a module's source, read cheaply. Node hands over a string, a
 * Buffer or another typed array, or nothing at all (CommonJS under some Node versions). The
 * text check runs on the bytes, so a module that never mentions daft is not even decoded.
 */
import { readFileSync } from "node:fs";

export type LoadedSource = string | ArrayBuffer | ArrayBufferView | null | undefined;

const NEEDLE = "daft";

/** Whether the source may mention daft (false means: certainly not, leave the module alone). */
export function sourceMentionsDaft(source: string | Buffer): boolean {
  return source.indexOf(NEEDLE) !== -1;
}

/** The bytes or text of `source` without copying, or the file itself when Node gave nothing. */
export function rawSource(source: LoadedSource, file: string): string | Buffer {
  if (typeof source === "string") return source;
  if (source == null) return readFileSync(file);
  if (Buffer.isBuffer(source)) return source;
  if (ArrayBuffer.isView(source)) return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  return Buffer.from(source);
}

export function sourceText(source: string | Buffer): string {
  return typeof source === "string" ? source : source.toString("utf8");
}
