/**
 * Whatever a backend returns is checked before the runner uses it: the backend may be a user's,
 * a network store or files another process wrote. An entry or a signature whose fields have the
 * wrong types is read as absent (a miss, overwritten by the new result), never trusted and never
 * a crash. Each check says what is wrong, or undefined when all is well.
 */
import type { CacheEntry } from "../cache/types.js";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((element) => typeof element === "string");

/** What is wrong with a stored entry (its `value` can be anything, `undefined` included). */
export function entryProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return "it is not an object";
  if (typeof entry.outputHash !== "string" || entry.outputHash === "") return "its outputHash is not a non-empty string";
  if (!isFiniteNumber(entry.createdAt)) return "its createdAt is not a finite number";
  if (!isFiniteNumber(entry.durationMs)) return "its durationMs is not a finite number";
  if (entry.itemHashes !== undefined && !isStringArray(entry.itemHashes)) return "its itemHashes is not an array of strings";
  if (entry.nodeName !== undefined && typeof entry.nodeName !== "string") return "its nodeName is not a string";
  return undefined;
}

/** For a mapped node cached as a whole: its output has one element (and one item hash) per item. */
export function wholeEntryProblem(entry: CacheEntry, items: number): string | undefined {
  if (!Array.isArray(entry.value) || entry.value.length !== items) return `its value is not an array of ${items} items`;
  if (entry.itemHashes !== undefined && entry.itemHashes.length !== items) return `its itemHashes do not have ${items} elements`;
  return undefined;
}

/** Whether a stored signature can be compared with a new one (else it is ignored: a miss is "new"). */
export function isSignature(signature: unknown): boolean {
  if (!isRecord(signature)) return false;
  for (const field of ["nodeName", "codeHash", "envHash", "inputsHash", "depsHash"]) if (typeof signature[field] !== "string") return false;
  if (!isFiniteNumber(signature.timestamp)) return false;
  if (signature.parts === undefined) return true;
  if (!isRecord(signature.parts)) return false;
  for (const part of ["inputs", "deps", "env"]) {
    const hashes = signature.parts[part];
    if (hashes !== undefined && (!isRecord(hashes) || !Object.values(hashes).every((hash) => typeof hash === "string"))) return false;
  }
  return true;
}
