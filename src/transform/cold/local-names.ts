/**
 * Alpha-normalisation: inside a unit of code (a function, a class, a statement), the variables
 * and parameters it declares itself are named by the order in which the canonical text first
 * meets them (`#0`, `#1`, …), so renaming them does not change the unit's hash. Names declared
 * outside the unit (module bindings, imports, globals) keep their own names: renaming one of
 * those changes what the code refers to.
 */
import type { AnyNode } from "./ast.js";
import { RecentMap } from "../recent-map.js";
import { canonicalText, type Renamer } from "./normalise.js";
import type { Binding, ScopeAnalysis } from "./scope.js";

export function localNames(analysis: ScopeAnalysis, unit: AnyNode): Renamer {
  const order = new Map<Binding, string>();
  return (identifier) => {
    const binding = analysis.bindingOf(identifier);
    if (!binding || binding.scope === analysis.program) return undefined;
    const declaredIn = binding.scope.node;
    if (declaredIn.start < unit.start || declaredIn.end > unit.end) return undefined;
    let name = order.get(binding);
    if (name === undefined) {
      name = `#${order.size}`;
      order.set(binding, name);
    }
    return name;
  };
}

/**
 * Canonical texts by the unit's source text, its node type and the module's dialect. The text
 * is a function of these alone: which names are renamed depends only on what the unit itself
 * declares, and every other name is kept as written. A module re-transformed after an edit (a
 * watcher, a dev server) thus walks only the units the edit touched.
 */
const textsBySource = new RecentMap<string, string>(4096);
/** Longer units are walked each time (their key would cost as much memory as their text). */
const LONGEST_KEPT = 16_384;

/** The canonical text of a unit with its own local names normalised. */
export function unitText(analysis: ScopeAnalysis, unit: AnyNode): string {
  const source = analysis.source;
  const start = unit.start as number;
  const end = unit.end as number;
  if (!source || end - start > LONGEST_KEPT) return canonicalText(unit, localNames(analysis, unit));
  const key = `${source.dialect}\u0000${unit.type as string}\u0000${source.code.slice(start, end)}`;
  let text = textsBySource.get(key);
  if (text === undefined) {
    text = canonicalText(unit, localNames(analysis, unit));
    textsBySource.set(key, text);
  }
  return text;
}
