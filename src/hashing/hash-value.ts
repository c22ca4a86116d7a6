/**
 * Canonical content hashing of run-time values: `hashValue(value)` gives 16 lowercase hex digits
 * (xxhash64, seed 0) of a canonical, type-tagged token stream, equal for equal content in any
 * process, on any machine, under any Node version.
 *
 * Format (tags in tags.ts, written as their ASCII characters; every token is self-delimiting;
 * lengths are decimal UTF-16 lengths; text is encoded as WTF-8):
 *   undefined `u`  null `z`  true `t`  false `f`
 *   number `n` + its 8 float64 bytes, little-endian: `-0` differs from 0 (code can tell them
 *     apart: 1 / -0, Object.is), every NaN is the one canonical NaN
 *   bigint `i<digits>;`   string `s<UTF-16 length>:<text>`
 *   array `[…]` with `_` for a hole (a hole differs from `undefined`)
 *   plain object `{<len>:<key><value>…}` over own enumerable string keys, sorted; a property whose
 *     value is `undefined` counts (differs from a missing one); symbol-keyed properties are
 *     ignored, as in JSON (they name metadata, not content, and have no cross-process identity);
 *     null-prototype objects hash like plain ones (both are records of data)
 *   class instance `c<len>:<class name>` + record of own enumerable properties (private fields
 *     and prototype getters are not seen: give such classes a cache key method)
 *   built-in subclass `C<len>:<class name>` before the built-in's token (a Buffer is a
 *     Uint8Array of class Buffer, so it differs from a plain Uint8Array with the same bytes)
 *   Map `M<size>;<entry digests>` and Set `S<size>;<element digests>`: one xxhash64 per entry
 *     (key and value) or element, sorted, so insertion order does not matter
 *   Date `D<time>;` (`DNaN;` when invalid)   RegExp `R` + source + flags (lastIndex ignored)
 *   typed array, DataView, ArrayBuffer, SharedArrayBuffer `x<len>:<kind><byteLength>;<raw bytes>`
 *     (elements little-endian; NaN payloads in float arrays count, as they are bytes)
 *   function `F` + its source text (closures' captured values are not seen)
 *   boxed primitive `O` + the primitive's token   Error `E` + class, name, message, own enumerable props
 *   URL, URLSearchParams `T<len>:<kind>` + their text
 *   object with a `[Symbol.for("daft.cacheKey")]()` (preferred) or `cacheKey()` method:
 *     `K` + the token of what it returns
 *   cycle: `^<n>;` = the object being written n levels up; shared, acyclic objects are written in full
 * Refused with UnhashableValueError (see unhashable.ts): symbols, WeakMap, WeakSet, WeakRef,
 * Promise, generators and iterators, event emitters and targets (streams, sockets, workers,
 * AbortSignal…), web streams, Blob/Request/Response, timers, native handles, crypto keys, bound
 * functions. `toJSON` is not consulted.
 */
import { writeCanonical } from "./serializer.js";
import { begin, digest, end } from "./token-sink.js";
import { UnhashablePart, UnhashableValueError } from "./unhashable-error.js";

export { UnhashableValueError } from "./unhashable-error.js";

/** The canonical content hash of `value`: 16 lowercase hex digits, stable across processes. */
export function hashValue(value: unknown): string {
  begin();
  try {
    writeCanonical(value);
    return digest();
  } catch (error) {
    throw publicError(error);
  } finally {
    end();
  }
}

function publicError(error: unknown): unknown {
  if (error instanceof UnhashablePart) return error.toError();
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new UnhashableValueError(
      "the value is nested too deeply to hash (or a cache key method returns a new object with its own cache key method every time). " +
        'Give the outer object a [Symbol.for("daft.cacheKey")]() or cacheKey() method that returns a flat value.',
      "",
      { cause: error },
    );
  }
  return error;
}
