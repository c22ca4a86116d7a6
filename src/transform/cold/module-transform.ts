/**
 * The work of transforming one module from its code: parse, find the `func` calls, and for
 * each call its code hash (the function and the same-file code it reaches), its dependency
 * hashes (the code it reaches through imports, level by level), its input names, and where its
 * build info goes.
 */
import { hashString } from "../../hashing/xxhash.js";
import type { CallPosition } from "../inject.js";
import { relativePath } from "../paths.js";
import { MAX_DEPS_FILES, type StoredCall } from "../stored-data.js";
import { staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { codeClosure, type CanonicalMemo } from "./code-closure.js";
import type { DependencyResult, DependencyTarget } from "./dependency-hashes.js";
import { findFuncCalls, type FuncCall } from "./func-calls.js";
import { literalOptionInputs, readInputNames, resolveFunctionNode } from "./inputs.js";
import { isRequireEdge, type ImportEdge } from "./module-imports.js";
import { parseModule, SourceSyntaxError, sourceKindOf } from "./parser.js";
import type { Resolved } from "./resolver.js";
import { analyseScopes } from "./scope.js";

/** What a module transform needs from the cold part: resolution and dependency hashing, with its caches. */
export interface ModuleContext {
  resolve(specifier: string, importer: string, viaRequire: boolean): Resolved;
  dependencies(file: string, targets: DependencyTarget[], root: string, warn: (message: string) => void): DependencyResult;
}

/** A freshly computed transform, with its closure's file paths (absolute) still to be stamped. */
export interface ModuleResult {
  calls: StoredCall[];
  warnings: string[];
  files: Set<string>;
}

export class ModuleTransform {
  private readonly warnings = new Set<string>();
  private readonly rel: string;

  constructor(
    private readonly code: string,
    private readonly file: string,
    private readonly root: string,
    private readonly context: ModuleContext,
  ) {
    this.rel = relativePath(root, file);
  }

  run(): { entry: ModuleResult; complete: boolean } {
    let program: AnyNode;
    try {
      program = parseModule(this.code, sourceKindOf(this.file)!).program as unknown as AnyNode;
    } catch (error) {
      if (!(error instanceof SourceSyntaxError)) throw error;
      const where = error.line !== undefined ? `${this.rel}:${error.line}:${(error.column ?? 0) + 1}` : this.rel;
      const message = `daft transform: ${where}: syntax error, file not transformed: ${error.message}`;
      return {
        entry: { calls: [], warnings: [message], files: new Set() },
        complete: false,
      };
    }
    const analysis = analyseScopes(program);
    const { calls, skipped } = findFuncCalls(analysis);
    for (const { node, reason } of skipped) this.warn(node, `${describeCall(node)} is not transformed: ${reason}`);
    if (calls.length === 0) {
      return { entry: this.entry([], new Set()), complete: true };
    }

    const fileEdges = analysis.imports;
    const fileLevelEdges = sideEffectEdges(program, fileEdges);
    const memo: CanonicalMemo = new Map();
    const depsByLevel1 = new Map<string, DependencyResult>();
    const stored: StoredCall[] = [];
    const files = new Set<string>();
    let complete = true;

    for (const call of calls) {
      const closure = codeClosure(call.fn, analysis, fileEdges, memo);
      const targets: DependencyTarget[] = [
        ...closure.imports.map((item) => this.target(item.source, item.viaRequire)),
        ...closure.inlineEdges.map((edge) => this.target(edge.specifier, isRequireEdge(edge))),
        ...fileLevelEdges.map((edge) => this.target(edge.specifier, isRequireEdge(edge))),
      ];
      const key = targets.map((target) => resolvedKey(target.resolved)).sort().join("\n");
      let deps = depsByLevel1.get(key);
      if (!deps) {
        deps = this.context.dependencies(this.file, targets, this.root, (message) => this.warnings.add(`daft transform: ${message}`));
        depsByLevel1.set(key, deps);
      }
      complete &&= deps.complete;
      for (const path of deps.stamps.keys()) files.add(path);

      const names = this.inputNames(call);
      const output = literalOutput(call.node);
      // The code hash names imports by specifier; these parts let a miss tell a specifier that
      // now resolves the same way from an edit (the runtime compares them, never keys by them).
      const resolvedImports = closure.imports.map((item, index) => `${this.projectKey(targets[index]!.resolved)}\u0000${item.importedName}`).sort();
      const codeParts = { own: closure.ownHash, imports: hashString(resolvedImports.join("\n")) };
      stored.push({
        ...callPosition(call.node),
        // Where the call is and what it outputs: how the runtime finds it from a stack frame.
        start: call.node.start as number,
        ...(output !== undefined ? { output } : {}),
        codeHash: closure.codeHash,
        codeParts,
        depsHashes: deps.depsHashes,
        ...(names ? { inputs: names.inputs, defaults: names.defaults } : {}),
        ...(deps.depsFiles.length <= MAX_DEPS_FILES ? { depsFiles: deps.depsFiles } : {}),
      });
    }
    return { entry: this.entry(stored, files), complete };
  }

  private entry(calls: StoredCall[], files: Set<string>): ModuleResult {
    return { calls, warnings: [...this.warnings], files };
  }

  /** A resolved import as hashes name it: project files by their path relative to the root. */
  private projectKey(resolved: Resolved): string {
    return resolved.type === "file" ? `f:${relativePath(this.root, resolved.path)}` : resolvedKey(resolved);
  }

  private target(specifier: string, viaRequire: boolean): DependencyTarget {
    return { resolved: this.context.resolve(specifier, this.file, viaRequire), importer: this.file };
  }

  private inputNames(call: FuncCall): { inputs: string[]; defaults: string[] } | undefined {
    const read = readInputNames(resolveFunctionNode(call.fn, call.scope));
    if (read.ok) return read.names;
    const explicit = literalOptionInputs(call.options);
    if (explicit) return { inputs: explicit, defaults: [] };
    this.warn(
      call.node,
      `${describeCall(call.node)}: ${read.problem}. Its input names are not injected; name them with ` +
        `func({ …, inputs: ["a", "b"] }, fn), or write the function as ({ a, b }) => …`,
    );
    return undefined;
  }

  private warn(node: AnyNode, message: string): void {
    const loc = node.loc as { start?: { line: number; column: number } } | undefined;
    const where = loc?.start ? `${this.rel}:${loc.start.line}:${loc.start.column + 1}` : this.rel;
    this.warnings.add(`daft transform: ${where}: ${message}`);
  }
}

/** Where a call's build info goes (see inject.ts): after its last argument, before its `)`. */
export function callPosition(call: AnyNode): CallPosition {
  const args = call.arguments as AnyNode[];
  return { argsEnd: args[args.length - 1]!.end, close: call.end - 1 };
}

/** `func({ output: "x" }, …)` → `func call with output "x"`, to name the node in messages. */
function describeCall(call: AnyNode): string {
  const output = literalOutput(call);
  return output === undefined ? "func call" : `func call with output "${output}"`;
}

/** The `output` of `func({ output: "x" }, …)` when it is written as a literal. */
function literalOutput(call: AnyNode): string | undefined {
  const options = (call.arguments as AnyNode[])[0];
  const object = options ? unwrapTypeWrappers(options) : undefined;
  if (object?.type !== "ObjectExpression") return undefined;
  for (const property of object.properties as AnyNode[]) {
    const key = property.key as AnyNode | undefined;
    if (property.type === "ObjectProperty" && key && (key.name === "output" || staticString(key) === "output")) {
      return staticString(property.value as AnyNode);
    }
  }
  return undefined;
}

/**
 * Module-level edges every node of the file depends on: `import "./setup"` and a top-level
 * `require("./setup")` statement run code whose effects any function may rely on.
 */
function sideEffectEdges(program: AnyNode, edges: ImportEdge[]): ImportEdge[] {
  const result = edges.filter((edge) => edge.kind === "side-effect");
  for (const statement of program.body as AnyNode[]) {
    if (statement.type !== "ExpressionStatement") continue;
    const expression = statement.expression as AnyNode;
    const edge = edges.find((candidate) => candidate.kind === "require" && candidate.start === expression.start);
    if (edge) result.push(edge);
  }
  return result;
}

function resolvedKey(resolved: Resolved): string {
  switch (resolved.type) {
    case "file":
      return `f:${resolved.path}`;
    case "package":
      return `p:${resolved.name}@${resolved.version}`;
    case "builtin":
      return `b:${resolved.name}`;
    case "unresolved":
      return `u:${resolved.specifier}`;
  }
}
