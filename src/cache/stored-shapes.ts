/**
 * Type checks of what a backend reads back from storage it does not control (a file, a server
 * other programs write to): every field of an entry or a signature, so a damaged or foreign
 * record is a miss rather than a crash later in the runner.
 */
import type { CacheEntry, NodeSignature, SignatureParts } from "./types.js";

/** An entry: `value` present (any data, `undefined` included), the bookkeeping fields typed. */
export function isCacheEntry(value: unknown): value is CacheEntry {
  if (value === null || typeof value !== "object" || !("value" in value)) return false;
  const entry = value as Partial<Record<keyof CacheEntry, unknown>>;
  return (
    typeof entry.outputHash === "string" &&
    isFiniteNumber(entry.createdAt) &&
    isFiniteNumber(entry.durationMs) &&
    (entry.itemHashes === undefined || isStringArray(entry.itemHashes)) &&
    (entry.nodeName === undefined || typeof entry.nodeName === "string")
  );
}

/** A signature, with its optional explanation parts checked too. */
export function isNodeSignature(value: unknown): value is NodeSignature {
  if (value === null || typeof value !== "object") return false;
  const signature = value as Partial<Record<keyof NodeSignature, unknown>>;
  return (
    typeof signature.nodeName === "string" &&
    typeof signature.codeHash === "string" &&
    typeof signature.envHash === "string" &&
    typeof signature.inputsHash === "string" &&
    typeof signature.depsHash === "string" &&
    isFiniteNumber(signature.timestamp) &&
    (signature.parts === undefined || isSignatureParts(signature.parts))
  );
}

function isSignatureParts(value: unknown): value is SignatureParts {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const parts = value as Record<keyof SignatureParts, unknown>;
  return [parts.inputs, parts.deps, parts.env].every((group) => group === undefined || isStringRecord(group));
}

function isStringRecord(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  for (const item of Object.values(value)) if (typeof item !== "string") return false;
  return true;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
