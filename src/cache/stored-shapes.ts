/**
 * Type checks of cache records read back from anywhere daft does not control: a user's backend,
 * a file, a server other programs write to. Every field of an entry or a signature is checked,
 * so a damaged or foreign record is a miss rather than a crash later in the runner. The runner
 * checks what every backend returns; backends with a format of their own (RedisCache) check
 * what they decode with the same functions.
 */
import type { CacheEntry, NodeSignature } from "./types.js";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((element) => typeof element === "string");
const isStringRecord = (value: unknown): value is Record<string, string> => isRecord(value) && Object.values(value).every((item) => typeof item === "string");

/**
 * What is wrong with a stored entry, or undefined when nothing is. Its `value` can be anything,
 * `undefined` included (a backend that drops undefined fields, as JSON does, loses nothing).
 */
export function entryProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return "it is not an object";
  if (typeof entry.outputHash !== "string" || entry.outputHash === "") return "its outputHash is not a non-empty string";
  if (!isFiniteNumber(entry.createdAt)) return "its createdAt is not a finite number";
  if (!isFiniteNumber(entry.durationMs)) return "its durationMs is not a finite number";
  if (entry.itemHashes !== undefined && !isStringArray(entry.itemHashes)) return "its itemHashes is not an array of strings";
  if (entry.nodeName !== undefined && typeof entry.nodeName !== "string") return "its nodeName is not a string";
  return undefined;
}

export function isCacheEntry(value: unknown): value is CacheEntry {
  return entryProblem(value) === undefined;
}

/** A signature, with its optional explanation parts checked too. */
export function isNodeSignature(value: unknown): value is NodeSignature {
  if (!isRecord(value)) return false;
  for (const field of ["nodeName", "codeHash", "envHash", "inputsHash", "depsHash"]) if (typeof value[field] !== "string") return false;
  if (!isFiniteNumber(value.timestamp)) return false;
  if (value.parts === undefined) return true;
  if (!isRecord(value.parts)) return false;
  return [value.parts.inputs, value.parts.deps, value.parts.env, value.parts.code].every((group) => group === undefined || isStringRecord(group));
}
