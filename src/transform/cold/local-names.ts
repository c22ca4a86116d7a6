/**
 * Alpha-normalisation: inside a unit of code (a function, a class, a statement), the variables
 * and parameters it declares itself are named by the order in which the canonical text first
 * meets them (`#0`, `#1`, …), so renaming them does not change the unit's hash. Names declared
 * outside the unit (module bindings, imports, globals) keep their own names: renaming one of
 * those changes what the code refers to.
 */
import type { AnyNode } from "./ast.js";
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

/** The canonical text of a unit with its own local names normalised. */
export function unitText(analysis: ScopeAnalysis, unit: AnyNode): string {
  return canonicalText(unit, localNames(analysis, unit));
}
