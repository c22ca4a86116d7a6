/**
 * Strings in JavaScript may hold lone surrogates, which UTF-8 cannot express: TextEncoder
 * replaces each with U+FFFD, which would make "\uD800" and "\uFFFD" hash alike. The canonical
 * format therefore encodes text as WTF-8: UTF-8, except that a lone surrogate is written as the
 * three bytes of its code point. For well-formed text WTF-8 and UTF-8 are the same bytes, so
 * TextEncoder may be used whenever `isWellFormed` holds.
 */

/** `String.prototype.isWellFormed` (Node >= 20; not yet in the ES2023 lib typings). */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Encodes `text[from..to)` as WTF-8 into `bytes` at `at` (the caller reserved `3 * (to - from)`
 * bytes) and returns the position after the last byte written. A surrogate pair must not be cut
 * by `to`; a lone surrogate at either end is fine.
 */
export function encodeWtf8Into(text: string, from: number, to: number, bytes: Uint8Array, at: number): number {
  for (let i = from; i < to; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[at++] = code;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < to) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      }
    }
    if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else {
      bytes[at++] = 0xf0 | (code >> 18);
      bytes[at++] = 0x80 | ((code >> 12) & 0x3f);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    }
  }
  return at;
}

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
