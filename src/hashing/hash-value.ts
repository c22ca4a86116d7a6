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
 *   function `F` + its source text (closures' captured values are not seen); a built-in function
 *     of the language, whose source text is hidden, `N<len>:<path>` (`Math.max`)
 *   boxed primitive `O` + the primitive's token   Error `E` + class, name, message, own enumerable props
 *   URL, URLSearchParams `T<len>:<kind>` + their text
 *   object with a `[Symbol.for("daft.cacheKey")]()` (preferred) or `cacheKey()` method:
 *     `K` + the token of what it returns
 *   cycle: `^<n>;` = the object being written n levels up
 *   a container (record, array, class instance, Map, Set, Error, cache key) nested in the value
 *     whose tokens take more than 65536 bytes: `#` + the 16 hex digits of their xxhash64. So a
 *     part shared at many places is hashed once, and hashes like an unshared copy of it.
 *   a Proxy: by what it shows through its traps and methods (proxies.ts)
 * Refused with UnhashableValueError (see unhashable.ts): symbols, WeakMap, WeakSet, WeakRef,
 * Promise, generators and iterators, event emitters and targets (streams, sockets, workers,
 * AbortSignal…), web streams, Blob/Request/Response, timers, native handles, crypto keys, bound
 * and other native functions that are not built-ins of the language, proxies whose target keeps
 * its content in internal slots (a proxied Promise, typed array, URL…), revoked proxies.
 * `toJSON` is not consulted.
 */
import { forgetTrackedParts, writeCanonical } from "./serializer.js";
import { RETRY_TRACKED, begin, digest, end, retryWasRequested, setTracking, tracking } from "./token-sink.js";
import { UnhashablePart, UnhashableValueError } from "./unhashable-error.js";

export { UnhashableValueError } from "./unhashable-error.js";

let hashing = false;

/** The canonical content hash of `value`: 16 lowercase hex digits, stable across processes. */
export function hashValue(value: unknown): string {
  // A cache key method hashing re-entrantly takes part in the attempt of the value around it.
  if (hashing) return attempt(value);
  hashing = true;
  try {
    return attempt(value);
  } catch (error) {
    if (error !== RETRY_TRACKED) throw error;
    return attemptTracked(value);
  } finally {
    hashing = false;
  }
}

/** The value is larger than INLINE_BYTES_MAX somewhere: again, with containers tracked (see token-sink.ts). */
function attemptTracked(value: unknown): string {
  setTracking(true);
  try {
    return attempt(value);
  } finally {
    setTracking(false);
    forgetTrackedParts();
  }
}

function attempt(value: unknown): string {
  begin();
  try {
    writeCanonical(value);
    if (!tracking && retryWasRequested()) throw RETRY_TRACKED;
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
