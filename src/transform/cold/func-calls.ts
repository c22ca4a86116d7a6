/**
 * Which calls in a module are calls of daft's `func`: through a named import under any alias,
 * a namespace (`import * as d`, `const d = require("daft")`, `await import("daft")`), or a
 * destructured `require`; and through a module of the project that re-exports it (a wrapper:
 * `export { func as step } from "daft"`, barrels on the way), which `isReexportedFunc` answers
 * (it resolves and reads those modules). A local binding named `func` that does not come from
 * daft is not one.
 */
import { staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { FUNC_NAME, hasFuncCallShape, type Scope, type ScopeAnalysis } from "./scope.js";

export const DAFT_PACKAGE = "daft";

export interface FuncCall {
  node: AnyNode;
  /** The scope the call sits in (to resolve a function passed by name). */
  scope: Scope;
  options: AnyNode;
  fn: AnyNode;
}

export interface SkippedCall {
  node: AnyNode;
  reason: string;
}

/** Whether the export `name` of the module `source` (as imported by this module) is daft's func. */
export type ReexportCheck = (source: string, name: string) => boolean;

export function findFuncCalls(analysis: ScopeAnalysis, isReexportedFunc?: ReexportCheck): { calls: FuncCall[]; skipped: SkippedCall[] } {
  const calls: FuncCall[] = [];
  const skipped: SkippedCall[] = [];
  for (const candidate of analysis.candidateCalls) {
    const { node, scope } = candidate;
    // Only a call shaped like func's is worth resolving an import for (reading the modules on the way).
    if (!isDaftFunc(node.callee as AnyNode, scope, hasFuncCallShape(node.arguments as AnyNode[]) ? isReexportedFunc : undefined)) continue;
    const args = node.arguments as AnyNode[];
    if (args.some((arg) => arg.type === "SpreadElement")) {
      skipped.push({ node, reason: "its arguments are spread, so the function cannot be found at build time" });
      continue;
    }
    if (args.length === 3 && isInjectedBuildInfo(args[2]!)) continue; // already transformed
    if (args.length !== 2) {
      skipped.push({ node, reason: `it has ${args.length} argument(s); expected func(options, fn)` });
      continue;
    }
    calls.push({ node, scope, options: args[0]!, fn: args[1]! });
  }
  return { calls, skipped };
}

function isDaftFunc(callee: AnyNode, scope: Scope, isReexportedFunc: ReexportCheck | undefined): boolean {
  let node = unwrapTypeWrappers(callee);
  if (node.type === "SequenceExpression") {
    // `(0, daft_1.func)(…)`, as TypeScript's CommonJS output writes it
    const expressions = node.expressions as AnyNode[];
    node = unwrapTypeWrappers(expressions[expressions.length - 1]!);
  }
  if (node.type === "Identifier") {
    const binding = scope.lookup(node.name as string);
    if (binding?.importSource === undefined || binding.importedName === undefined) return false;
    if (binding.importSource === DAFT_PACKAGE) return binding.importedName === FUNC_NAME;
    return binding.importedName !== "*" && isReexportedFunc?.(binding.importSource, binding.importedName) === true;
  }
  if (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    const property = node.property as AnyNode;
    const name = node.computed ? staticString(property) : (property.name as string | undefined);
    const object = unwrapTypeWrappers(node.object as AnyNode);
    if (name === undefined || object.type !== "Identifier") return false;
    const binding = scope.lookup(object.name as string);
    if (binding?.importSource === undefined) return false;
    if (binding.importSource === DAFT_PACKAGE) return name === FUNC_NAME && (binding.importedName === "*" || binding.importedName === "default");
    // `import * as kit from "./kit"; kit.step(…)`
    return binding.importedName === "*" && isReexportedFunc?.(binding.importSource, name) === true;
  }
  return false;
}

/** A third argument that is the object this transform injects (the code was transformed twice). */
function isInjectedBuildInfo(node: AnyNode): boolean {
  if (node.type !== "ObjectExpression") return false;
  const keys = (node.properties as AnyNode[]).map((property) => staticString(property.key as AnyNode) ?? (property.key as AnyNode | undefined)?.name);
  return keys.includes("v") && keys.includes("codeHash");
}
