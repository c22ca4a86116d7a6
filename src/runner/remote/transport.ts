/**
 * What crosses to a worker (a thread, or a `daft worker` process through Redis) and back: the
 * calls of a chunk (their inputs, v8-serialised, the same rules as structured clone), the
 * outcomes, and errors. Values that would not arrive as they left (functions, symbols, class
 * instances whose methods would be lost) are refused before anything is sent, with an error
 * naming the node, the input and the item. What is read back is checked field by field: a
 * payload from Redis is untrusted.
 */
import { DaftError, NodeError } from "../../errors.js";
import type { PipelineNode } from "../../graph.js";
import { deserializeValue, serializeValue } from "../../cache/values/value-codec.js";
import { findUnstorable } from "../../cache/values/storable.js";
import type { Invocation, Outcome } from "../executor.js";

/** A value that cannot be sent to (or back from) a worker. */
export class NotTransferableError extends DaftError {
  override name = "NotTransferableError";
  constructor(
    message: string,
    readonly node: string,
    /** The input's name, or undefined for a result. */
    readonly input: string | undefined,
    readonly item: number | undefined,
  ) {
    super(message);
  }
}

/** The storability reason, said of a value in transit rather than in a cache. */
const inTransit = (reason: string) => reason.replace("so a cache hit would return", "so it would arrive as");

const itemLabel = (item: number | undefined, key: string) => (item === undefined ? "" : ` (item ${item}, ${key})`);

/** Checks every input of every call (each distinct object once), then serialises them all. */
export function encodeCalls(node: PipelineNode, calls: readonly Invocation[], destination: string): Uint8Array {
  const checked = new Set<unknown>();
  for (const call of calls) {
    for (const [input, value] of Object.entries(call.args)) {
      if (value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol")) continue;
      if (checked.has(value)) continue;
      checked.add(value);
      const found = findUnstorable(value);
      if (found) {
        throw new NotTransferableError(
          `node "${node.name}" (output "${node.output}"), input "${input}"${itemLabel(call.item, call.key)} cannot be sent to ${destination}: ` +
            `${found.path.replace(/^value/, input)} ${inTransit(found.reason)}. Pass plain data (objects, arrays, Map, Set, Date, typed arrays), or run this node with mode "local".`,
          node.name,
          input,
          call.item,
        );
      }
    }
  }
  // Objects shared by several calls (a whole array every item receives) are written once.
  return serializeValue(calls.map((call) => [call.item ?? -1, call.key, call.args]));
}

/** The calls of a payload, or an error saying what is wrong with it. */
export function decodeCalls(bytes: Uint8Array): Invocation[] {
  const decoded = deserializeValue(bytes);
  if (!Array.isArray(decoded)) throw new TypeError("malformed calls: not an array");
  return decoded.map((entry: unknown, index) => {
    if (!Array.isArray(entry) || entry.length !== 3) throw new TypeError(`malformed call ${index}: not [item, key, args]`);
    const [item, key, args] = entry as [unknown, unknown, unknown];
    if (typeof item !== "number" || !Number.isSafeInteger(item) || item < -1) throw new TypeError(`malformed call ${index}: item`);
    if (typeof key !== "string") throw new TypeError(`malformed call ${index}: key`);
    if (typeof args !== "object" || args === null || Object.getPrototypeOf(args) !== Object.prototype) throw new TypeError(`malformed call ${index}: args`);
    return { item: item === -1 ? undefined : item, key, args: args as Record<string, unknown> };
  });
}

/** Outcomes as they travel back from a thread; `worker` names who ran them. */
export function encodeOutcomes(node: { name: string; output: string }, calls: readonly Invocation[], outcomes: readonly Outcome[], destination: string): Uint8Array {
  outcomes.forEach((outcome, index) => {
    const found = findUnstorable(outcome.value);
    if (found) {
      const call = calls[index]!;
      throw new NotTransferableError(
        `node "${node.name}" (output "${node.output}")${itemLabel(call.item, call.key)}: its result cannot be sent back from ${destination}: ` +
          `${found.path.replace(/^value/, "result")} ${inTransit(found.reason)}. Return plain data, or run this node with mode "local".`,
        node.name,
        undefined,
        call.item,
      );
    }
  });
  return serializeValue(outcomes.map((outcome) => [outcome.value, outcome.durationMs]));
}

export function decodeOutcomes(bytes: Uint8Array, count: number, worker: string): Outcome[] {
  const decoded = deserializeValue(bytes);
  if (!Array.isArray(decoded) || decoded.length !== count) throw new TypeError(`malformed outcomes: expected ${count}`);
  return decoded.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[1] !== "number") throw new TypeError("malformed outcome");
    return { value: entry[0] as unknown, durationMs: entry[1] as number, worker };
  });
}

/** An error as it crosses: plain strings, so nothing of the sender's classes is needed. */
export interface SentError {
  /** "node": the node's function threw (a NodeError); "setup": the worker could not run it. */
  kind: "node" | "setup";
  message: string;
  name: string;
  stack: string | undefined;
  item: number | undefined;
  cause: { name: string; message: string; stack: string | undefined } | undefined;
}

function described(error: unknown): { name: string; message: string; stack: string | undefined } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error), stack: undefined };
}

export function sendError(error: unknown): SentError {
  const { name, message, stack } = described(error);
  if (error instanceof NodeError) return { kind: "node", name, message, stack, item: error.item, cause: described(error.cause) };
  return { kind: "setup", name, message, stack, item: undefined, cause: undefined };
}

/** A checked SentError, or undefined when `value` is not one. */
export function asSentError(value: unknown): SentError | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const error = value as Record<string, unknown>;
  const text = (field: unknown) => typeof field === "string";
  const optionalText = (field: unknown) => field === undefined || typeof field === "string";
  if ((error.kind !== "node" && error.kind !== "setup") || !text(error.message) || !text(error.name) || !optionalText(error.stack)) return undefined;
  if (error.item !== undefined && !(typeof error.item === "number" && Number.isSafeInteger(error.item))) return undefined;
  const cause = error.cause as Record<string, unknown> | undefined;
  if (cause !== undefined && (typeof cause !== "object" || cause === null || !text(cause.name) || !text(cause.message) || !optionalText(cause.stack))) return undefined;
  return error as unknown as SentError;
}

/** An Error of the sender's name, message and stack. */
function rebuilt(error: { name: string; message: string; stack: string | undefined }): Error {
  const copy = new Error(error.message);
  copy.name = error.name;
  copy.stack = error.stack ?? `${error.name}: ${error.message}`;
  return copy;
}

/**
 * The error to throw in the runner: a node's own error as the usual NodeError (original message
 * and stack as its cause), anything else as an error naming the node and where it ran.
 */
export function receivedError(sent: SentError, node: PipelineNode, where: string): Error {
  if (sent.kind === "node") {
    const error = new NodeError(sent.message, node.name, node.output, sent.item, { cause: sent.cause && rebuilt(sent.cause) });
    if (sent.stack) error.stack = `${sent.stack}\n    (ran in ${where})`;
    return error;
  }
  const error = new DaftError(`node "${node.name}" (output "${node.output}") could not run in ${where}: ${sent.message}`, { cause: rebuilt(sent) });
  return error;
}
