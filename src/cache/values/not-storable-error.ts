import { DaftError } from "../../errors.js";

/**
 * A result the disk cache could not store: a value v8 cannot serialise faithfully (a function, a
 * symbol, a class instance…), or a write that failed (disk full, no permission). The runner
 * catches it, returns the value anyway and reports the node as "not stored" with this message.
 * Nothing is left on disk when it is thrown.
 */
export class NotStorableError extends DaftError {
  override name = "NotStorableError";
  constructor(
    message: string,
    /** The node the value belongs to, when the entry said so. */
    readonly nodeName: string | undefined,
    /** Where in the value the problem is (`value.model.predict`), when it is the value's fault. */
    readonly valuePath: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
