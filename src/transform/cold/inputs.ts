/**
 * A node's input names and defaults, read from its function's single destructured parameter:
 *
 *   ({ x, offset = 10, "a-b": y, [`c`]: z }) → inputs ["x", "offset", "a-b", "c"], defaults ["offset"]
 *
 * Names are the property keys (what the runner passes), not the local variable names. When the
 * names cannot all be known at build time — a `...rest` element, a computed key that is not a
 * literal, a parameter that is not a destructured object, or a function the transform cannot see
 * (imported, or produced by a call) — the transform falls back to a literal `options.inputs`
 * array if there is one, and otherwise injects no names and reports a warning; the runtime then
 * raises its own clear error asking for `inputs: [...]`.
 */
import { isThisParameter, staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { propertyKeyName, type Scope } from "./scope.js";

export interface InputNames {
  inputs: string[];
  defaults: string[];
}

export type InputsResult = { ok: true; names: InputNames } | { ok: false; problem: string };

const FUNCTION_TYPES = new Set(["ArrowFunctionExpression", "FunctionExpression", "FunctionDeclaration"]);

/** The function node `fn` denotes: an inline function, or a same-file function/const bound to a name. */
export function resolveFunctionNode(fn: AnyNode, scope: Scope): AnyNode | undefined {
  const node = unwrapTypeWrappers(fn);
  if (FUNCTION_TYPES.has(node.type)) return node;
  if (node.type !== "Identifier") return undefined;
  const binding = scope.lookup(node.name as string);
  if (!binding || binding.importSource !== undefined || binding.units.length !== 1) return undefined;
  const unit = binding.units[0]!;
  if (unit.type === "FunctionDeclaration") return unit;
  if (unit.type === "VariableDeclarator" && (unit.id as AnyNode).type === "Identifier" && unit.init) {
    const init = unwrapTypeWrappers(unit.init as AnyNode);
    if (init.type === "ArrowFunctionExpression" || init.type === "FunctionExpression") return init;
  }
  return undefined;
}

export function readInputNames(fnNode: AnyNode | undefined): InputsResult {
  if (!fnNode) return { ok: false, problem: "its function is not defined in this file, so its parameter cannot be read" };
  const params = (fnNode.params as AnyNode[]).filter((param) => !isThisParameter(param));
  if (params.length === 0) return { ok: true, names: { inputs: [], defaults: [] } };
  let pattern = params[0]!;
  if (pattern.type === "AssignmentPattern") pattern = pattern.left as AnyNode; // ({ x } = {}) => …
  if (pattern.type !== "ObjectPattern") {
    return { ok: false, problem: "its parameter is not a destructured object like ({ a, b }), so its input names cannot be read" };
  }
  const inputs: string[] = [];
  const defaults: string[] = [];
  for (const property of pattern.properties as AnyNode[]) {
    if (property.type === "RestElement") {
      return { ok: false, problem: "its parameter has a rest element (...rest), whose input names cannot be known" };
    }
    const key = property.key as AnyNode;
    const name = property.computed ? staticString(key) : propertyKeyName(key);
    if (name === undefined) {
      return { ok: false, problem: "its parameter has a computed key that is not a literal, whose input name cannot be known" };
    }
    if (inputs.includes(name)) continue;
    inputs.push(name);
    if ((property.value as AnyNode).type === "AssignmentPattern") defaults.push(name);
  }
  return { ok: true, names: { inputs, defaults } };
}

/** `options.inputs` when it is written as a literal array of strings. */
export function literalOptionInputs(options: AnyNode): string[] | undefined {
  const object = unwrapTypeWrappers(options);
  if (object.type !== "ObjectExpression") return undefined;
  for (const property of object.properties as AnyNode[]) {
    if (property.type !== "ObjectProperty") continue;
    const key = property.computed ? staticString(property.key as AnyNode) : propertyKeyName(property.key as AnyNode);
    if (key !== "inputs") continue;
    const value = unwrapTypeWrappers(property.value as AnyNode);
    if (value.type !== "ArrayExpression") return undefined;
    const names: string[] = [];
    for (const element of value.elements as Array<AnyNode | null>) {
      const name = element ? staticString(element) : undefined;
      if (name === undefined) return undefined;
      names.push(name);
    }
    return names;
  }
  return undefined;
}
