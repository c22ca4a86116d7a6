/**
 * Why a lookup missed: the current signature compared with the latest one stored for the same
 * key. Checked in the order a user would look: code, then imported code and data files, then
 * environment, then inputs.
 */
import type { NodeSignature, SignatureParts } from "../cache/types.js";
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
  if (previous.codeHash !== current.codeHash) return { reason: "code" };
  if (previous.depsHash !== current.depsHash) return withDetail("deps", changedKeys(before.deps, after.deps));
  if (previous.envHash !== current.envHash) return withDetail("env", changedKeys(before.env, after.env));
  if (previous.inputsHash !== current.inputsHash) return withDetail("inputs", changedKeys(before.inputs, after.inputs));
  // Same signature, yet no stored value: it was evicted, cleared, or unreadable.
  return { reason: "new", detail: ["stored result missing (evicted, cleared or unreadable)"] };
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
  return `${reason} changed${list ? `: ${list}` : ""}`;
}
