/**
 * Errors daft raises. Each names what went wrong, where (node, input) and what to do, so a user
 * can act on the message alone.
 */

export class DaftError extends Error {
  override name = "DaftError";
}

/** A function or pipeline was declared wrongly; raised at construction time. */
export class DefinitionError extends DaftError {
  override name = "DefinitionError";
}

/** The run inputs cannot satisfy the pipeline (missing inputs, cycles, bad map axis). */
export class ResolutionError extends DaftError {
  override name = "ResolutionError";
}

/** An input of a cached node cannot be hashed stably. */
export class InputHashError extends DaftError {
  override name = "InputHashError";
  constructor(
    message: string,
    readonly node: string,
    readonly input: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A node's function threw. The original error is the `cause`; the message starts with the node
 * so a stack trace alone says which step of the pipeline failed.
 */
export class NodeError extends DaftError {
  override name = "NodeError";
  constructor(
    message: string,
    /** The function's name (or its output when anonymous). */
    readonly node: string,
    readonly output: string,
    /** For a mapped node: the index of the failing item. */
    readonly item: number | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}
