/**
 * Why a lookup missed: the current signature compared with the latest one stored for the same
 * key. Checked in the order a user would look: code, then imported code and data files, then
 * environment, then inputs.
 */
import type { NodeSignature, SignatureParts } from "../cache/types.js";
import { IMPORT_LEVEL } from "./signature.js";
import type { MissReason } from "./stats.js";

export interface MissExplanation {
  reason: MissReason;
  detail?: string[];
}

function changedKeys(before: Record<string, string> | undefined, after: Record<string, string> | undefined): string[] | undefined {
  if (!before || !after) return undefined;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((key) => before[key] !== after[key]).sort();
  return changed.length > 0 ? changed : undefined;
}

/** A key never stored: shared by every such miss (the stats keep a reference per miss, not a copy). */
export const NEW: MissExplanation = Object.freeze({ reason: "new" });

export function explainMiss(previous: NodeSignature | undefined, current: NodeSignature): MissExplanation {
  if (!previous) return NEW;
  const before: SignatureParts = previous.parts ?? {};
  const after: SignatureParts = current.parts ?? {};
  if (previous.codeHash !== current.codeHash) return codeChange(before.code, after.code);
  if (previous.depsHash !== current.depsHash) return withDetail("deps", changedDependencies(before.deps, after.deps));
  if (previous.envHash !== current.envHash) return withDetail("env", changedKeys(before.env, after.env));
  if (previous.inputsHash !== current.inputsHash) return withDetail("inputs", changedKeys(before.inputs, after.inputs));
  // Same signature, yet no stored value: it was evicted, cleared, or unreadable.
  return { reason: "new", detail: ["stored result missing (evicted, cleared or unreadable)"] };
}

/**
 * A code hash made another way (the function's own source at run time, or the build's
 * transform) is not comparable with the previous one: that is not an edit, and is not called one.
 * (An import written another way that resolves to the same file changes no hash: the closure
 * names imported code by the file it resolves to.)
 */
function codeChange(before: Record<string, string> | undefined, after: Record<string, string> | undefined): MissExplanation {
  if (before?.source !== undefined && after?.source !== undefined && before.source !== after.source) {
    return { reason: "hash-source", detail: [`${before.source} → ${after.source}`] };
  }
  return { reason: "code" };
}

/**
 * The changed dependencies by name (files, or files' bindings). Where only import levels are
 * known (a closure too large to list), levels are cumulative: the shallowest changed one says
 * where the change is; the deeper ones changed because of it.
 */
function changedDependencies(before: Record<string, string> | undefined, after: Record<string, string> | undefined): string[] | undefined {
  const changed = changedKeys(before, after);
  if (!changed) return undefined;
  const named = changed.filter((key) => !key.startsWith(IMPORT_LEVEL));
  const levels = changed.filter((key) => key.startsWith(IMPORT_LEVEL)).map((key) => Number(key.slice(IMPORT_LEVEL.length)));
  if (levels.length === 0) return named;
  return [...named, `a file first reached at ${IMPORT_LEVEL}${Math.min(...levels)} (the closure is too large to list its files)`];
}

function withDetail(reason: MissReason, detail: string[] | undefined): MissExplanation {
  return detail ? { reason, detail } : { reason };
}

/** How a miss's reason reads in the summaries: `new`, `refreshed`, `after docVector`, `inputs changed: query`. */
export function reasonLabel({ reason, detail }: MissExplanation): string {
  const list = detail?.length ? detail.join(", ") : "";
  if (reason === "refresh") return "refreshed";
  if (reason === "upstream") return `after ${list || "an upstream node"}`;
  if (reason === "new") return list ? `new: ${list}` : "new";
  if (reason === "hash-source") return `hash source changed${list ? `: ${list}` : ""}`;
  return `${reason} changed${list ? `: ${list}` : ""}`;
}
