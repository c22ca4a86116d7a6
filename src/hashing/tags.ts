/**
 * The tags of the canonical hash format: every token starts with one of these characters, and
 * every token is self-delimiting (a tag, then either a fixed shape, fixed-size bytes, a
 * `;`-terminated decimal or a length-prefixed text), so no two different token sequences can produce the same bytes.
 * Tags are the ASCII codes of the characters in the comments; text is WTF-8 encoded.
 *
 * Changing a tag, or the shape of a token, changes the hash of every value and therefore
 * invalidates every user's stored cache: only ever do it on purpose (the golden test pins it).
 */
export const Tag = {
  undefined: 0x75, // u
  null: 0x7a, // z
  true: 0x74, // t
  false: 0x66, // f
  /** `n` + 8 bytes: the float64 bits, little-endian (`-0` has its own bits; NaN is the canonical quiet NaN). */
  number: 0x6e, // n
  /** `i<decimal digits>;` */
  bigint: 0x69, // i
  /** `s<UTF-16 length>:<text>` */
  string: 0x73, // s
  /** `[` elements `]`, a hole in a sparse array is `_`. */
  array: 0x5b, // [
  arrayEnd: 0x5d, // ]
  hole: 0x5f, // _
  /** `{` then `<key length>:<key><value>` per own enumerable string key, in sorted key order, then `}`. */
  record: 0x7b, // {
  recordEnd: 0x7d, // }
  /** `c<name length>:<class name>` followed by a record of the own enumerable properties. */
  instance: 0x63, // c
  /** `C<name length>:<class name>` before a built-in token, when the value is a subclass of that built-in. */
  subclass: 0x43, // C
  /** `M<size>;` then one 16-hex digest per entry (of its key and value tokens), digests sorted. */
  map: 0x4d, // M
  /** `S<size>;` then one 16-hex digest per element, digests sorted. */
  set: 0x53, // S
  /** `D<time value>;` (`DNaN;` for an invalid Date). */
  date: 0x44, // D
  /** `R` then the source and the flags as string tokens. */
  regexp: 0x52, // R
  /** `x<kind length>:<kind><byte length>;` then the raw bytes (little-endian elements). */
  bytes: 0x78, // x
  /** `F` then the source text as a string token. */
  function: 0x46, // F
  /** `N<path length>:<path>`: a built-in function of the language by its path from the global object (`Math.max`). */
  builtin: 0x4e, // N
  /** `O` then the primitive token of a boxed primitive (`new Number(1)`, `Object(1n)`…). */
  boxed: 0x4f, // O
  /** `E<len>:<class name>`, then name and message as string tokens, then a record of own enumerable properties. */
  error: 0x45, // E
  /** `T<kind length>:<kind>` then a string token: a built-in whose canonical text is its content (URL). */
  text: 0x54, // T
  /** `K` then the token of the value returned by the object's cache key method. */
  cacheKey: 0x4b, // K
  /**
   * `#` then 16 lowercase hex digits: the xxhash64 of a container's tokens (record, array, class
   * instance, Map, Set, Error, cache key) inside the hashed value when they take more than
   * INLINE_BYTES_MAX bytes.
   */
  digest: 0x23, // #
  /** `^<n>;` — a reference to the ancestor `n` levels up (0 = the innermost object being written). */
  backReference: 0x5e, // ^
  /** Ends a decimal: a bigint, a time, a count or a back-reference. */
  end: 0x3b, // ;
  /** Separates a length from the text it measures. */
  lengthEnd: 0x3a, // :
} as const;
