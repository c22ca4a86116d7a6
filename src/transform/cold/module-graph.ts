/**
 * The binding graph of one module: what each of its top-level bindings is (a hash of its code,
 * with local names normalised) and what it reads (other top-level names, imports, modules it
 * loads inside its code), what the module exports and re-exports, and its top-level statements
 * that are not declarations (they run when the module is imported).
 *
 * binding-closure.ts walks these graphs from a node's function to find the code it can execute,
 * binding by binding, across modules. A graph is data only (names, hashes, specifiers), made
 * from one parse and scope analysis of the module.
 */
import { forEachChild, isTypeOnly, staticString, type AnyNode } from "./ast.js";
import { hashString } from "../../hashing/xxhash.js";
import { unitText } from "./local-names.js";
import { referencesWithin, type Binding, type ScopeAnalysis } from "./scope.js";
import { DAFT_PACKAGE } from "./func-calls.js";

/** A module a piece of code loads from inside its code: a literal, a template pattern, or unknown. */
export type Load =
  | { kind: "module"; specifier: string; viaRequire: boolean }
  | { kind: "template"; pattern: string; line: number }
  | { kind: "computed"; line: number };

/** A unit of code: the hash of its canonical text, and what it refers to outside itself. */
export interface Piece {
  hash: string;
  /** Top-level names of the module it reads (its own bindings and its imports). */
  reads: string[];
  loads: Load[];
}

/** A top-level statement that is not a declaration. */
export interface ModuleStatement extends Piece {
  /** Its hash, made unique among the module's statements (two equal statements both count). */
  id: string;
  /** What it reads and loads outside the functions it only defines (these run on import). */
  shallow: { reads: string[]; loads: Load[] };
  /** Top-level bindings it assigns or calls a method of (`f = …`, `C.prototype.m = …`, `map.set(…)`). */
  writes: string[];
}

export type ExportTarget = { local: string } | { source: string; name: string };

export interface ModuleGraph {
  /** Top-level bindings declared in the module (an anonymous default export is `*default*`). */
  locals: Map<string, Piece>;
  imports: Map<string, { source: string; name: string; viaRequire: boolean }>;
  exports: Map<string, ExportTarget>;
  /** Specifiers of `export * from "…"`. */
  stars: string[];
  statements: ModuleStatement[];
  /** `import "./setup"` and top-level `require("./setup")`: they count whole. */
  sideEffects: Array<{ specifier: string; viaRequire: boolean }>;
  /** CommonJS (`module.exports`, `exports.x`) or `export =`: names cannot be told apart. */
  opaque: boolean;
}

export const DEFAULT_EXPORT_LOCAL = "*default*";

const FUNCTION_VALUES = new Set(["FunctionExpression", "ArrowFunctionExpression", "ObjectMethod", "ClassMethod", "ClassPrivateMethod", "FunctionDeclaration"]);

/**
 * `lazy`: each local's piece is made when first asked for (the module being transformed, whose
 * closure usually reaches a few of its bindings); otherwise all of them now (a graph to store).
 */
export function buildModuleGraph(program: AnyNode, analysis: ScopeAnalysis, options: { lazy?: boolean } = {}): ModuleGraph {
  return new GraphBuilder(program, analysis, options.lazy === true).build();
}

/** Pieces made on first `get`: the keys are known up front, the values cost a canonical walk each. */
class LazyPieces extends Map<string, Piece> {
  constructor(
    private readonly units: Map<string, AnyNode[]>,
    private readonly make: (units: AnyNode[]) => Piece,
  ) {
    super();
  }

  override get(name: string): Piece | undefined {
    let piece = super.get(name);
    if (piece === undefined) {
      const units = this.units.get(name);
      if (!units) return undefined;
      piece = this.make(units);
      super.set(name, piece);
    }
    return piece;
  }

  override has(name: string): boolean {
    return this.units.has(name) || super.has(name);
  }

  override keys(): MapIterator<string> {
    return new Set([...this.units.keys(), ...super.keys()]).keys();
  }
}

/** What a piece of code reads and loads, as found by the scope analysis. */
export function pieceReferences(
  analysis: ScopeAnalysis,
  unit: AnyNode,
  skip: Array<[number, number]> = [],
): { reads: string[]; loads: Load[]; outer: Binding[] } {
  const reads = new Set<string>();
  const loads: Load[] = [];
  const outer = new Set<Binding>();
  const skipped = (position: number): boolean => skip.some(([start, end]) => position >= start && position < end);
  for (const reference of referencesWithin(analysis.references, unit.start, unit.end)) {
    if (skipped(reference.start) || analysis.writtenRoots.has(reference.start)) continue;
    const binding = reference.scope.lookup(reference.name);
    if (!binding) continue; // a global: its name is part of the code
    if (binding.scope === analysis.program) {
      reads.add(reference.name);
      continue;
    }
    if (binding.importSource !== undefined) {
      loads.push({ kind: "module", specifier: binding.importSource, viaRequire: binding.viaRequire === true });
      continue;
    }
    const declaredIn = binding.scope.node;
    if (declaredIn.start >= unit.start && declaredIn.end <= unit.end) continue; // local to the unit
    outer.add(binding);
  }
  for (const edge of analysis.imports) {
    if (edge.start < unit.start || edge.start >= unit.end || skipped(edge.start)) continue;
    if (edge.kind === "dynamic" || edge.kind === "require" || edge.kind === "asset") {
      loads.push({ kind: "module", specifier: edge.specifier, viaRequire: edge.kind === "require" });
    }
  }
  for (const load of analysis.computedLoads) {
    if (load.start < unit.start || load.start >= unit.end || skipped(load.start)) continue;
    loads.push(load.pattern !== undefined ? { kind: "template", pattern: load.pattern, line: load.line } : { kind: "computed", line: load.line });
  }
  return { reads: [...reads].sort(), loads, outer: [...outer] };
}

/** The ranges of the functions a statement defines (not itself): their bodies run only when called. */
function functionRanges(root: AnyNode): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const visit = (node: AnyNode): void => {
    if (node !== root && FUNCTION_VALUES.has(node.type)) {
      ranges.push([node.start, node.end]);
      return;
    }
    forEachChild(node, visit);
  };
  visit(root);
  return ranges;
}

/** Top-level bindings a statement assigns (`x = …`, `x.y = …`) or calls a method of (`x.set(…)`). */
function writtenBindings(statement: AnyNode, analysis: ScopeAnalysis): string[] {
  const names = new Set<string>();
  const note = (identifier: AnyNode | undefined): void => {
    if (identifier?.type !== "Identifier") return;
    const binding = analysis.bindingOf(identifier);
    if (binding?.scope === analysis.program) names.add(identifier.name as string);
  };
  const rootOf = (node: AnyNode): AnyNode | undefined => {
    let current = node;
    while (current.type === "MemberExpression" || current.type === "OptionalMemberExpression") current = current.object as AnyNode;
    return current.type === "Identifier" ? current : undefined;
  };
  const visit = (node: AnyNode): void => {
    if (node.type === "AssignmentExpression") note(rootOf(node.left as AnyNode));
    else if (node.type === "UpdateExpression") note(rootOf(node.argument as AnyNode));
    else if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
      const callee = node.callee as AnyNode;
      if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") note(rootOf(callee.object as AnyNode));
    }
    forEachChild(node, visit);
  };
  visit(statement);
  return [...names].sort();
}

class GraphBuilder {
  private readonly graph: ModuleGraph = {
    locals: new Map(),
    imports: new Map(),
    exports: new Map(),
    stars: [],
    statements: [],
    sideEffects: [],
    opaque: false,
  };
  /** Variables whose value comes from daft (`new Runner(…)`, `pipeline`, a func node): see `drivesDaft`. */
  private readonly daftDerived = new Map<Binding, boolean>();

  constructor(
    private readonly program: AnyNode,
    private readonly analysis: ScopeAnalysis,
    private readonly lazy: boolean,
  ) {}

  build(): ModuleGraph {
    const { graph, analysis } = this;
    const lazyUnits = new Map<string, AnyNode[]>();
    if (this.lazy) graph.locals = new LazyPieces(lazyUnits, (units) => this.piece(units));
    for (const binding of analysis.program.bindings.values()) {
      if (binding.importSource !== undefined) {
        graph.imports.set(binding.name, { source: binding.importSource, name: binding.importedName ?? "*", viaRequire: binding.viaRequire === true });
      } else if (binding.units.length > 0) {
        if (this.lazy) lazyUnits.set(binding.name, binding.units);
        else graph.locals.set(binding.name, this.piece(binding.units));
      }
    }
    const seen = new Map<string, number>();
    for (const statement of this.program.body as AnyNode[]) this.topLevel(statement, seen);
    for (const reference of analysis.references) {
      if ((reference.name === "exports" || reference.name === "module") && !reference.scope.lookup(reference.name)) graph.opaque = true;
    }
    return graph;
  }

  private piece(units: AnyNode[]): Piece {
    const reads = new Set<string>();
    const loads: Load[] = [];
    const texts: string[] = [];
    for (const unit of units) {
      texts.push(unitText(this.analysis, unit));
      const found = pieceReferences(this.analysis, unit);
      for (const name of found.reads) reads.add(name);
      loads.push(...found.loads);
    }
    return { hash: hashString(texts.join("\n")), reads: [...reads].sort(), loads };
  }

  private topLevel(node: AnyNode, seen: Map<string, number>): void {
    const { graph } = this;
    if (isTypeOnly(node)) return;
    switch (node.type) {
      case "ImportDeclaration":
        if ((node.specifiers as AnyNode[]).length === 0) graph.sideEffects.push({ specifier: (node.source as AnyNode).value as string, viaRequire: false });
        return;
      case "ExportAllDeclaration":
        graph.stars.push((node.source as AnyNode).value as string);
        return;
      case "ExportNamedDeclaration":
        this.exportNamed(node);
        return;
      case "ExportDefaultDeclaration": {
        const declaration = node.declaration as AnyNode;
        const id = declaration.id as AnyNode | undefined;
        if ((declaration.type === "FunctionDeclaration" || declaration.type === "ClassDeclaration") && id) {
          graph.exports.set("default", { local: id.name as string });
        } else if (declaration.type === "Identifier") {
          graph.exports.set("default", { local: declaration.name as string });
        } else {
          graph.locals.set(DEFAULT_EXPORT_LOCAL, this.piece([declaration]));
          graph.exports.set("default", { local: DEFAULT_EXPORT_LOCAL });
        }
        return;
      }
      case "TSExportAssignment":
        graph.opaque = true;
        this.statement(node, seen);
        return;
      case "FunctionDeclaration":
      case "ClassDeclaration":
      case "VariableDeclaration":
      case "TSEnumDeclaration":
      case "TSModuleDeclaration":
      case "TSImportEqualsDeclaration":
      case "EmptyStatement":
        return;
      case "ExpressionStatement": {
        const expression = node.expression as AnyNode;
        const callee = expression.type === "CallExpression" ? (expression.callee as AnyNode) : undefined;
        if (callee?.type === "Identifier" && callee.name === "require" && !this.analysis.program.lookup("require")) {
          const specifier = staticString((expression.arguments as AnyNode[])[0]);
          if (specifier !== undefined) {
            graph.sideEffects.push({ specifier, viaRequire: true });
            return;
          }
        }
        this.statement(node, seen);
        return;
      }
      default:
        this.statement(node, seen);
    }
  }

  private exportNamed(node: AnyNode): void {
    const { graph } = this;
    const declaration = node.declaration as AnyNode | null | undefined;
    if (declaration) {
      for (const name of declaredNames(declaration)) graph.exports.set(name, { local: name });
      return;
    }
    const source = node.source ? ((node.source as AnyNode).value as string) : undefined;
    for (const specifier of node.specifiers as AnyNode[]) {
      if (isTypeOnly(specifier)) continue;
      const exported = nameOf(specifier.exported as AnyNode);
      if (specifier.type === "ExportNamespaceSpecifier") {
        if (source !== undefined) graph.exports.set(exported, { source, name: "*" });
      } else if (specifier.type === "ExportDefaultSpecifier") {
        if (source !== undefined) graph.exports.set(exported, { source, name: "default" });
      } else {
        const local = nameOf(specifier.local as AnyNode);
        graph.exports.set(exported, source !== undefined ? { source, name: local } : { local });
      }
    }
  }

  private statement(node: AnyNode, seen: Map<string, number>): void {
    const found = pieceReferences(this.analysis, node);
    if (this.drivesDaft(found.reads)) return;
    const hash = hashString(unitText(this.analysis, node));
    const occurrence = seen.get(hash) ?? 0;
    seen.set(hash, occurrence + 1);
    const shallow = pieceReferences(this.analysis, node, functionRanges(node));
    this.graph.statements.push({
      id: occurrence === 0 ? hash : `${hash}.${occurrence}`,
      hash,
      reads: found.reads,
      loads: found.loads,
      shallow: { reads: shallow.reads, loads: shallow.loads },
      writes: writtenBindings(node, this.analysis),
    });
  }

  /**
   * A statement that uses daft itself (`await runner.run(pipeline, …)`, `console.log(result)`)
   * drives the pipeline: it is not state the nodes' code depends on, and counting it would tie
   * every node of a script to its run inputs.
   */
  private drivesDaft(reads: string[]): boolean {
    return reads.some((name) => {
      const binding = this.analysis.program.bindings.get(name);
      return binding !== undefined && this.isDaftDerived(binding);
    });
  }

  private isDaftDerived(binding: Binding): boolean {
    const known = this.daftDerived.get(binding);
    if (known !== undefined) return known;
    this.daftDerived.set(binding, false); // cycles: not derived unless shown
    let derived = binding.importSource === DAFT_PACKAGE;
    if (!derived && (binding.kind === "const" || binding.kind === "let" || binding.kind === "var")) {
      for (const unit of binding.units) {
        const init = unit.type === "VariableDeclarator" ? (unit.init as AnyNode | null) : undefined;
        if (!init) continue;
        const reads = pieceReferences(this.analysis, init, functionRanges(init)).reads;
        if (reads.some((name) => name !== binding.name && this.isReadDaftDerived(name))) derived = true;
      }
    }
    this.daftDerived.set(binding, derived);
    return derived;
  }

  private isReadDaftDerived(name: string): boolean {
    const binding = this.analysis.program.bindings.get(name);
    return binding !== undefined && this.isDaftDerived(binding);
  }
}

function nameOf(node: AnyNode): string {
  return node.type === "StringLiteral" ? (node.value as string) : (node.name as string);
}

/** The names a declaration introduces (`export const { a, b } = …` → a, b). */
function declaredNames(declaration: AnyNode): string[] {
  if (declaration.type === "VariableDeclaration") {
    const names: string[] = [];
    for (const declarator of declaration.declarations as AnyNode[]) collectPatternNames(declarator.id as AnyNode, names);
    return names;
  }
  const id = declaration.id as AnyNode | undefined;
  return id?.type === "Identifier" ? [id.name as string] : [];
}

function collectPatternNames(pattern: AnyNode, names: string[]): void {
  switch (pattern.type) {
    case "Identifier":
      names.push(pattern.name as string);
      return;
    case "ObjectPattern":
      for (const property of pattern.properties as AnyNode[]) {
        collectPatternNames(property.type === "RestElement" ? (property.argument as AnyNode) : (property.value as AnyNode), names);
      }
      return;
    case "ArrayPattern":
      for (const element of pattern.elements as Array<AnyNode | null>) if (element) collectPatternNames(element, names);
      return;
    case "AssignmentPattern":
      collectPatternNames(pattern.left as AnyNode, names);
      return;
    case "RestElement":
      collectPatternNames(pattern.argument as AnyNode, names);
      return;
    default:
      return;
  }
}
