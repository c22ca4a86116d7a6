/**
 * The work of transforming one module from its code: parse, find the `func` calls, and for
 * each call its code hash (the function and the same-file code it reaches), its dependency
 * hashes (the code it reaches through imports, level by level), its input names, and where its
 * build info goes.
 */
import type { CallPosition } from "../inject.js";
import { relativePath } from "../paths.js";
import { MAX_DEPS_FILES, type StoredCall } from "../stored-data.js";
import { staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import type { NodeClosure } from "./binding-closure.js";
import { rootPiece } from "./code-closure.js";
import { DAFT_PACKAGE, findFuncCalls, type FuncCall } from "./func-calls.js";
import { literalOptionInputs, readInputNames, resolveFunctionNode } from "./inputs.js";
import { buildModuleGraph, type ModuleGraph, type Piece } from "./module-graph.js";
import { parseModule, SourceSyntaxError, sourceKindOf } from "./parser.js";
import { analyseScopes } from "./scope.js";

/** What a module transform needs from the cold part: the closure walk and the import resolution, with their caches. */
export interface ModuleContext {
  closure(file: string, graph: ModuleGraph, root: Piece, projectRoot: string, warn: (message: string) => void): NodeClosure;
  /**
   * Whether the export `name` of `specifier`, imported from `importer`, is daft's func re-exported
   * (through any number of modules); every project file read to tell is added to `consulted`.
   */
  reexportsFunc(importer: string, specifier: string, name: string, consulted: Set<string>): boolean;
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
    const kind = sourceKindOf(this.file)!;
    try {
      program = parseModule(this.code, kind).program as unknown as AnyNode;
    } catch (error) {
      if (!(error instanceof SourceSyntaxError)) throw error;
      const where = error.line !== undefined ? `${this.rel}:${error.line}:${(error.column ?? 0) + 1}` : this.rel;
      const message = `daft transform: ${where}: syntax error, file not transformed: ${error.message}`;
      return {
        entry: { calls: [], warnings: [message], files: new Set() },
        complete: false,
      };
    }
    // Units' canonical texts are kept by their text (local-names.ts), except where the parser
    // may have retried with another dialect (JSX in a .js file), which the kind does not say.
    const analysis = analyseScopes(program, kind.language === "jsx" ? undefined : { code: this.code, dialect: `${kind.language}/${kind.format}` });
    this.warnFuncReexports(program);
    // The modules read to tell whether an import is daft's func re-exported: an edit to one of
    // them can make a call of this module a func call, or stop it being one.
    const files = new Set<string>();
    const { calls, skipped } = findFuncCalls(analysis, (source, name) => this.context.reexportsFunc(this.file, source, name, files));
    for (const { node, reason } of skipped) this.warn(node, `${describeCall(node)} is not transformed: ${reason}`);
    if (calls.length === 0) {
      return { entry: this.entry([], files), complete: true };
    }

    const graph = buildModuleGraph(program, analysis, { lazy: true });
    const stored: StoredCall[] = [];
    let complete = true;

    for (const call of calls) {
      const deps = this.context.closure(this.file, graph, rootPiece(call.fn, analysis), this.root, (message) => this.warnings.add(`daft transform: ${message}`));
      complete &&= deps.complete;
      for (const path of deps.stamps.keys()) files.add(path);

      const names = this.inputNames(call);
      const output = literalOutput(call.node);
      stored.push({
        ...callPosition(call.node),
        // Where the call is and what it outputs: how the runtime finds it from a stack frame.
        start: call.node.start as number,
        ...(output !== undefined ? { output } : {}),
        codeHash: deps.codeHash,
        depsHashes: deps.depsHashes,
        ...(deps.depthLimited ? { depthLimited: true as const } : {}),
        ...(names ? { inputs: names.inputs, defaults: names.defaults } : {}),
        ...(deps.depsFiles.length <= MAX_DEPS_FILES ? { depsFiles: deps.depsFiles } : {}),
      });
    }
    return { entry: this.entry(stored, files), complete };
  }

  /**
   * `export { func } from "daft"` in a wrapper module: calls made through the wrapper are found
   * when their module is transformed, but hosts only look at modules that name "daft" in a
   * string (a cheap check on every file), so a module that imports only from the wrapper is
   * transformed at its first call under Node (call-site-build.ts), and not at all in a bundle.
   */
  private warnFuncReexports(program: AnyNode): void {
    for (const statement of program.body as AnyNode[]) {
      const source = staticString(statement.source as AnyNode | undefined);
      if (source !== DAFT_PACKAGE) continue;
      const exportedLocals = statement.type === "ExportNamedDeclaration" ? (statement.specifiers as AnyNode[]).map((specifier) => specifier.local as AnyNode | undefined) : [];
      const reexportsFunc = statement.type === "ExportAllDeclaration" || exportedLocals.some((local) => local && (local.name ?? local.value) === "func");
      if (!reexportsFunc) continue;
      this.warn(
        statement,
        `re-exports daft's func: a module that calls it through here and never names "daft" itself is not transformed at build time ` +
          `(under Node its nodes get build info at their first call; in a bundle they get none, and their imported code is not hashed); ` +
          `import func from "daft" in the modules that call it, or name "daft" in them (an \`import type\` from it is enough)`,
      );
    }
  }

  private entry(calls: StoredCall[], files: Set<string>): ModuleResult {
    return { calls, warnings: [...this.warnings], files };
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
