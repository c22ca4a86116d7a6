/**
 * The error for values that cannot be hashed stably. Its message is written to read well after
 * the runner's prefix, e.g. `node "scores", input "doc": a Promise at .pending cannot be hashed…`.
 */

/** Thrown when a value cannot be hashed stably (a Symbol, a WeakMap, a Promise, a socket…). */
export class UnhashableValueError extends Error {
  /** Where in the value the offending part sits, e.g. `.options.signal` or `[3].x`. Empty for the root. */
  readonly path: string;
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnhashableValueError";
    this.path = path;
  }
}

/** What was found and why it cannot be hashed; the serializer adds the path while unwinding. */
export class UnhashablePart {
  /** Path segments from the offending value up to the root (reversed while unwinding). */
  readonly segments: string[] = [];
  constructor(
    /** e.g. `a Promise`, `a Socket (an EventEmitter)` */
    readonly what: string,
    /** why its content is not stable data, e.g. `its value is not known yet` */
    readonly why: string,
    /** what to do instead, a full sentence */
    readonly fix: string = GENERIC_FIX,
    readonly cause?: unknown,
  ) {}

  toError(): UnhashableValueError {
    const path = this.segments.slice().reverse().join("");
    const where = path === "" ? "" : ` at ${path}`;
    const message = `${this.what}${where} cannot be hashed stably: ${this.why}. ${this.fix}`;
    return new UnhashableValueError(message, path, this.cause === undefined ? undefined : { cause: this.cause });
  }
}

export const GENERIC_FIX =
  "Pass a hashable value instead, or give the object (or the object that holds it) a " +
  '[Symbol.for("daft.cacheKey")]() or cacheKey() method that returns one (an id, a version, its data).';
