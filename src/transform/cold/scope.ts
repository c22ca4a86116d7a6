/**
 * Lexical scope analysis of one module: which names each scope declares, and every identifier
 * that reads a binding, with the scope it is read from. Resolution is lazy (after the whole file
 * is seen) so hoisted functions and `var`s resolve like they do at run time.
 *
 * Only value bindings matter: type positions are never visited, so a name used only in a type
 * annotation is not a reference.
 */
import { IGNORED_KEYS, isNode, isThisParameter, isTypeOnly, staticString, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { importEdgeOf, type ImportEdge } from "./module-imports.js";

export type BindingKind =
  | "import"
  | "var"
  | "let"
  | "const"
  | "using"
  | "function"
  | "class"
  | "param"
  | "catch"
  | "enum"
  | "namespace";

export interface Binding {
  name: string;
  kind: BindingKind;
  scope: Scope;
  /**
   * The nodes whose code defines the binding (a declarator, a function or class declaration, a
   * parameter…). Several for merged declarations (`var` twice, enum/namespace merging).
   */
  units: AnyNode[];
  /**
   * Set when the binding comes from another module: ESM imports, and `require("x")` /
   * `await import("x")` destructured or assigned to a name. `importedName` is "*" for the whole
   * module namespace.
   */
  importSource?: string;
  importedName?: string;
  /** True when the module is loaded with `require()` (CommonJS resolution conditions). */
  viaRequire?: boolean;
}

export class Scope {
  readonly bindings = new Map<string, Binding>();
  constructor(
    readonly node: AnyNode,
    readonly parent: Scope | undefined,
    /** Function (and module) scopes receive `var` declarations. */
    readonly isFunctionScope: boolean,
  ) {}

  declare(name: string, kind: BindingKind, unit: AnyNode | undefined, from?: { source: string; name: string; viaRequire?: boolean }): void {
    const existing = this.bindings.get(name);
    if (existing) {
      if (unit) existing.units.push(unit);
      return;
    }
    const binding: Binding = { name, kind, scope: this, units: unit ? [unit] : [] };
    if (from) {
      binding.importSource = from.source;
      binding.importedName = from.name;
      if (from.viaRequire) binding.viaRequire = true;
    }
    this.bindings.set(name, binding);
  }

  lookup(name: string): Binding | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      const binding = scope.bindings.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  functionScope(): Scope {
    let scope: Scope = this;
    while (!scope.isFunctionScope && scope.parent) scope = scope.parent;
    return scope;
  }
}

export interface Reference {
  name: string;
  start: number;
  scope: Scope;
  node: AnyNode;
}

/**
 * An `import()` or `require()` whose specifier is not a literal: a template literal (`pattern`
 * has `*` for each substitution) or any other expression (`pattern` undefined).
 */
export interface ComputedLoad {
  start: number;
  line: number;
  viaRequire: boolean;
  pattern: string | undefined;
}

/** The name daft exports `func` under (a namespace call is `ns.func(…)`). */
export const FUNC_NAME = "func";

/** Arguments shaped like `func({ … }, fn)` (a third: build info already injected). */
export function hasFuncCallShape(args: AnyNode[]): boolean {
  return (args.length === 2 || args.length === 3) && unwrapTypeWrappers(args[0]!).type === "ObjectExpression";
}

/** A call whose callee could be `func`, `ns.func`, or `(0, ns.func)`; checked against bindings later. */
export interface CandidateCall {
  node: AnyNode;
  scope: Scope;
}

export interface ScopeAnalysis {
  program: Scope;
  /** Every value reference, sorted by position. */
  references: Reference[];
  candidateCalls: CandidateCall[];
  /** Every import edge of the module (collected in the same walk), in source order. */
  imports: ImportEdge[];
  /** `import()` / `require()` calls whose specifier is computed, in source order. */
  computedLoads: ComputedLoad[];
  /** Positions of identifiers a plain `=` assignment writes through (`x = …`, `x.y.z = …`): not reads. */
  writtenRoots: Set<number>;
  /** The binding an identifier declares or reads (undefined: a global, or not a binding position). */
  bindingOf(identifier: AnyNode): Binding | undefined;
  /** The code the program was parsed from, when the caller gave it (see local-names.ts). */
  source?: ModuleSource;
}

/** A module's code and how it was parsed: a unit's canonical text is a function of its text and of these. */
export interface ModuleSource {
  code: string;
  /** Language and module format the parser used. */
  dialect: string;
}

export function analyseScopes(program: AnyNode, source?: ModuleSource): ScopeAnalysis {
  const analyser = new Analyser(program);
  analyser.run();
  analyser.references.sort((a, b) => a.start - b.start);
  // Made on first use: only the units that are hashed need it.
  let referenceScopes: Map<AnyNode, Scope> | undefined;
  const declared = analyser.declared;
  return {
    program: analyser.programScope,
    references: analyser.references,
    candidateCalls: analyser.calls,
    imports: analyser.imports,
    computedLoads: analyser.computedLoads,
    writtenRoots: analyser.writtenRoots,
    ...(source ? { source } : {}),
    bindingOf(identifier) {
      const own = declared.get(identifier);
      if (own) return own;
      if (!referenceScopes) {
        referenceScopes = new Map();
        for (const reference of analyser.references) referenceScopes.set(reference.node, reference.scope);
      }
      const scope = referenceScopes.get(identifier);
      return scope?.lookup(identifier.name as string);
    },
  };
}

/** References whose position lies in [start, end), using binary search on the sorted list. */
export function referencesWithin(references: Reference[], start: number, end: number): Reference[] {
  let low = 0;
  let high = references.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (references[mid]!.start < start) low = mid + 1;
    else high = mid;
  }
  const found: Reference[] = [];
  for (let i = low; i < references.length && references[i]!.start < end; i++) found.push(references[i]!);
  return found;
}

/** `require("x")`, `import("x")`, `await import("x")` (through type wrappers): the module specifier. */
export function moduleLoadSource(init: AnyNode | null | undefined): { source: string; viaRequire: boolean } | undefined {
  if (!init) return undefined;
  let node = unwrapTypeWrappers(init);
  if (node.type === "AwaitExpression") node = unwrapTypeWrappers(node.argument as AnyNode);
  if (node.type === "ImportExpression") {
    const source = staticString(node.source as AnyNode);
    return source === undefined ? undefined : { source, viaRequire: false };
  }
  if (node.type !== "CallExpression") return undefined;
  const callee = node.callee as AnyNode;
  const args = node.arguments as AnyNode[];
  const viaRequire = callee.type === "Identifier" && callee.name === "require";
  if (callee.type === "Import" || viaRequire) {
    const source = args.length >= 1 ? staticString(args[0]) : undefined;
    return source === undefined ? undefined : { source, viaRequire };
  }
  return undefined;
}

class Analyser {
  readonly programScope: Scope;
  readonly references: Reference[] = [];
  readonly calls: CandidateCall[] = [];
  readonly imports: ImportEdge[] = [];
  readonly computedLoads: ComputedLoad[] = [];
  readonly writtenRoots = new Set<number>();
  /** Identifier nodes that declare a binding (parameters, variables, function and class names). */
  readonly declared = new Map<AnyNode, Binding>();

  constructor(private readonly program: AnyNode) {
    this.programScope = new Scope(program, undefined, true);
  }

  run(): void {
    this.visitStatements(this.program.body as AnyNode[], this.programScope);
  }

  private ref(node: AnyNode, scope: Scope): void {
    this.references.push({ name: node.name as string, start: node.start as number, scope, node });
  }

  private declareName(id: AnyNode, scope: Scope, kind: BindingKind, unit: AnyNode | undefined): void {
    const name = id.name as string;
    scope.declare(name, kind, unit);
    this.declared.set(id, scope.bindings.get(name)!);
  }

  /** `import(expr)` / `require(expr)` with a computed specifier. */
  private noteComputedLoad(node: AnyNode, argument: AnyNode | undefined, viaRequire: boolean): void {
    if (!argument || staticString(argument) !== undefined) return;
    const inner = unwrapTypeWrappers(argument);
    let pattern: string | undefined;
    if (inner.type === "TemplateLiteral") {
      const quasis = inner.quasis as Array<{ value: { cooked?: string | null } }>;
      if (quasis.every((quasi) => typeof quasi.value.cooked === "string")) pattern = quasis.map((quasi) => quasi.value.cooked).join("*");
    }
    const loc = node.loc as { start?: { line: number } } | undefined;
    this.computedLoads.push({ start: node.start as number, line: loc?.start?.line ?? 0, viaRequire, pattern });
  }

  private visitStatements(statements: AnyNode[], scope: Scope): void {
    for (const statement of statements) this.visit(statement, scope);
  }

  private visitChildren(node: AnyNode, scope: Scope): void {
    for (const key in node) {
      if (IGNORED_KEYS.has(key)) continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.visit(item, scope);
      } else if (isNode(value)) {
        this.visit(value, scope);
      }
    }
  }

  private visit(node: AnyNode, scope: Scope): void {
    if (isTypeOnly(node)) return;
    const edge = importEdgeOf(node);
    if (edge) this.imports.push(edge);
    switch (node.type) {
      case "Identifier":
        this.ref(node, scope);
        return;
      case "ImportDeclaration":
        this.declareImports(node);
        return;
      case "ExportNamedDeclaration":
        if (node.declaration) this.visit(node.declaration as AnyNode, scope);
        else if (!node.source) {
          for (const specifier of node.specifiers as AnyNode[]) {
            if (!isTypeOnly(specifier) && (specifier.local as AnyNode).type === "Identifier") this.ref(specifier.local as AnyNode, scope);
          }
        }
        return;
      case "ExportAllDeclaration":
        return;
      case "FunctionDeclaration":
        if (node.id) this.declareName(node.id as AnyNode, scope, "function", node);
        this.visitFunction(node, scope);
        return;
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        this.visitFunction(node, scope);
        return;
      case "ObjectMethod":
      case "ClassMethod":
      case "ClassPrivateMethod":
        this.visitDecorators(node, scope);
        if (node.computed) this.visit(node.key as AnyNode, scope);
        this.visitFunction(node, scope);
        return;
      case "ClassDeclaration":
        if (node.id) this.declareName(node.id as AnyNode, scope, "class", node);
        this.visitClass(node, scope);
        return;
      case "ClassExpression":
        this.visitClass(node, scope);
        return;
      case "VariableDeclaration":
        this.visitVariableDeclaration(node, scope);
        return;
      case "BlockStatement":
        this.visitStatements(node.body as AnyNode[], new Scope(node, scope, false));
        return;
      case "StaticBlock":
        this.visitStatements(node.body as AnyNode[], new Scope(node, scope, true));
        return;
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
        this.visitChildren(node, new Scope(node, scope, false));
        return;
      case "SwitchStatement": {
        this.visit(node.discriminant as AnyNode, scope);
        const inner = new Scope(node, scope, false);
        for (const switchCase of node.cases as AnyNode[]) this.visitChildren(switchCase, inner);
        return;
      }
      case "CatchClause": {
        const inner = new Scope(node, scope, false);
        if (node.param) {
          this.declarePattern(node.param as AnyNode, inner, "catch", node.param as AnyNode);
          this.visitPatternExpressions(node.param as AnyNode, inner);
        }
        this.visitStatements((node.body as AnyNode).body as AnyNode[], inner);
        return;
      }
      case "MemberExpression":
      case "OptionalMemberExpression":
        this.visit(node.object as AnyNode, scope);
        if (node.computed) this.visit(node.property as AnyNode, scope);
        return;
      case "ObjectProperty":
        if (node.computed) this.visit(node.key as AnyNode, scope);
        this.visit(node.value as AnyNode, scope);
        return;
      case "ClassProperty":
      case "ClassPrivateProperty":
      case "ClassAccessorProperty":
        this.visitDecorators(node, scope);
        if (node.computed) this.visit(node.key as AnyNode, scope);
        // A field initialiser runs like a method body: its own `var`-less function scope.
        if (node.value) this.visit(node.value as AnyNode, new Scope(node, scope, true));
        return;
      case "LabeledStatement":
        this.visit(node.body as AnyNode, scope);
        return;
      case "BreakStatement":
      case "ContinueStatement":
      case "MetaProperty":
      case "PrivateName":
      case "Super":
      case "ThisExpression":
        return;
      case "CallExpression":
      case "OptionalCallExpression": {
        const callee = node.callee as AnyNode;
        if (this.mightBeFuncCallee(callee, node.arguments as AnyNode[])) this.calls.push({ node, scope });
        if (callee.type === "Import") this.noteComputedLoad(node, (node.arguments as AnyNode[])[0], false);
        else if (callee.type === "Identifier" && callee.name === "require" && !scope.lookup("require")) {
          this.noteComputedLoad(node, (node.arguments as AnyNode[])[0], true);
        }
        this.visitChildren(node, scope);
        return;
      }
      case "ImportExpression":
        this.noteComputedLoad(node, node.source as AnyNode, false);
        this.visitChildren(node, scope);
        return;
      case "AssignmentExpression":
        if (node.operator === "=") {
          const root = assignedRoot(node.left as AnyNode);
          if (root) this.writtenRoots.add(root.start);
        }
        this.visitChildren(node, scope);
        return;
      case "JSXElement":
        this.visitJsxName((node.openingElement as AnyNode).name as AnyNode, scope);
        for (const attribute of (node.openingElement as AnyNode).attributes as AnyNode[]) {
          if (attribute.type === "JSXSpreadAttribute") this.visit(attribute.argument as AnyNode, scope);
          else if (attribute.value) this.visit(attribute.value as AnyNode, scope);
        }
        for (const child of node.children as AnyNode[]) this.visit(child, scope);
        return;
      case "JSXAttribute":
        if (node.value) this.visit(node.value as AnyNode, scope);
        return;
      case "TSEnumDeclaration":
        scope.declare((node.id as AnyNode).name as string, "enum", node);
        this.visitChildren(node, new Scope(node, scope, false));
        return;
      case "TSEnumMember":
        if (node.initializer) this.visit(node.initializer as AnyNode, scope);
        return;
      case "TSModuleDeclaration": {
        const id = node.id as AnyNode;
        if (id.type === "Identifier") scope.declare(id.name as string, "namespace", node);
        const body = node.body as AnyNode | undefined;
        if (body?.type === "TSModuleBlock") this.visitStatements(body.body as AnyNode[], new Scope(node, scope, true));
        else if (body) this.visit(body, new Scope(node, scope, true));
        return;
      }
      case "TSImportEqualsDeclaration": {
        const id = node.id as AnyNode;
        const reference = node.moduleReference as AnyNode;
        if (reference.type === "TSExternalModuleReference") {
          const source = staticString(reference.expression as AnyNode);
          scope.declare(id.name as string, "import", undefined, source !== undefined ? { source, name: "*" } : undefined);
        } else {
          scope.declare(id.name as string, "const", node);
          let root = reference;
          while (root.type === "TSQualifiedName") root = root.left as AnyNode;
          if (root.type === "Identifier") this.ref(root, scope);
        }
        return;
      }
      default:
        this.visitChildren(node, scope);
    }
  }

  /**
   * `func(…)` under any name, `ns.func(…)`, and `ns.other({ … }, …)`: a namespace of a wrapper
   * module may re-export func under another name (func-calls.ts tells them apart).
   */
  private mightBeFuncCallee(callee: AnyNode, args: AnyNode[]): boolean {
    let node = unwrapTypeWrappers(callee);
    if (node.type === "SequenceExpression") {
      const expressions = node.expressions as AnyNode[];
      node = unwrapTypeWrappers(expressions[expressions.length - 1]!);
    }
    if (node.type === "Identifier") return true;
    if (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
      const property = node.property as AnyNode;
      if (node.computed ? staticString(property) === FUNC_NAME : property.name === FUNC_NAME) return true;
      return hasFuncCallShape(args);
    }
    return false;
  }

  private declareImports(node: AnyNode): void {
    const source = (node.source as AnyNode).value as string;
    for (const specifier of node.specifiers as AnyNode[]) {
      if (isTypeOnly(specifier)) continue;
      const local = (specifier.local as AnyNode).name as string;
      let imported = "*";
      if (specifier.type === "ImportDefaultSpecifier") imported = "default";
      else if (specifier.type === "ImportSpecifier") {
        const name = specifier.imported as AnyNode;
        imported = name.type === "StringLiteral" ? (name.value as string) : (name.name as string);
      }
      this.programScope.declare(local, "import", undefined, { source, name: imported });
    }
  }

  private visitVariableDeclaration(node: AnyNode, scope: Scope): void {
    const rawKind = node.kind as string;
    const kind: BindingKind = rawKind === "var" ? "var" : rawKind === "let" ? "let" : rawKind === "const" ? "const" : "using";
    const target = kind === "var" ? scope.functionScope() : scope;
    for (const declarator of node.declarations as AnyNode[]) {
      const id = declarator.id as AnyNode;
      const init = declarator.init as AnyNode | null;
      const loaded = moduleLoadSource(init);
      if (loaded !== undefined) this.declareModuleLoad(id, target, kind, declarator, loaded);
      else this.declarePattern(id, target, kind, declarator);
      this.visitPatternExpressions(id, scope);
      if (init) this.visit(init, scope);
    }
  }

  /** `const x = require("m")` → x is m's namespace; `const { a: b } = require("m")` → b is m's `a`. */
  private declareModuleLoad(id: AnyNode, scope: Scope, kind: BindingKind, declarator: AnyNode, loaded: { source: string; viaRequire: boolean }): void {
    const { source, viaRequire } = loaded;
    if (id.type === "Identifier") {
      scope.declare(id.name as string, "import", undefined, { source, name: "*", viaRequire });
      return;
    }
    if (id.type === "ObjectPattern") {
      for (const property of id.properties as AnyNode[]) {
        const value = property.type === "ObjectProperty" ? unwrapPatternDefault(property.value as AnyNode) : undefined;
        const key = property.type === "ObjectProperty" && !property.computed ? propertyKeyName(property.key as AnyNode) : undefined;
        if (value?.type === "Identifier" && key !== undefined) {
          scope.declare(value.name as string, "import", undefined, { source, name: key, viaRequire });
        } else {
          this.declarePattern(property, scope, kind, declarator);
        }
      }
      return;
    }
    this.declarePattern(id, scope, kind, declarator);
  }

  /** Declares every name a binding pattern introduces. */
  private declarePattern(pattern: AnyNode, scope: Scope, kind: BindingKind, unit: AnyNode): void {
    switch (pattern.type) {
      case "Identifier":
        this.declareName(pattern, scope, kind, unit);
        return;
      case "ObjectPattern":
        for (const property of pattern.properties as AnyNode[]) this.declarePattern(property, scope, kind, unit);
        return;
      case "ObjectProperty":
        this.declarePattern(pattern.value as AnyNode, scope, kind, unit);
        return;
      case "ArrayPattern":
        for (const element of pattern.elements as Array<AnyNode | null>) if (element) this.declarePattern(element, scope, kind, unit);
        return;
      case "AssignmentPattern":
        this.declarePattern(pattern.left as AnyNode, scope, kind, unit);
        return;
      case "RestElement":
        this.declarePattern(pattern.argument as AnyNode, scope, kind, unit);
        return;
      case "TSParameterProperty":
        this.declarePattern(pattern.parameter as AnyNode, scope, kind, unit);
        return;
      default:
        return; // member expressions in `for (a.b of xs)` declare nothing
    }
  }

  /** The expressions inside a binding pattern: defaults, computed keys, decorators. */
  private visitPatternExpressions(pattern: AnyNode, scope: Scope): void {
    switch (pattern.type) {
      case "ObjectPattern":
        for (const property of pattern.properties as AnyNode[]) {
          if (property.type === "RestElement") this.visitPatternExpressions(property.argument as AnyNode, scope);
          else {
            if (property.computed) this.visit(property.key as AnyNode, scope);
            this.visitPatternExpressions(property.value as AnyNode, scope);
          }
        }
        return;
      case "ArrayPattern":
        for (const element of pattern.elements as Array<AnyNode | null>) if (element) this.visitPatternExpressions(element, scope);
        return;
      case "AssignmentPattern":
        this.visitPatternExpressions(pattern.left as AnyNode, scope);
        this.visit(pattern.right as AnyNode, scope);
        return;
      case "RestElement":
        this.visitPatternExpressions(pattern.argument as AnyNode, scope);
        return;
      case "TSParameterProperty":
        this.visitDecorators(pattern, scope);
        this.visitPatternExpressions(pattern.parameter as AnyNode, scope);
        return;
      case "Identifier":
        this.visitDecorators(pattern, scope);
        return;
      default:
        return;
    }
  }

  private visitDecorators(node: AnyNode, scope: Scope): void {
    const decorators = node.decorators as AnyNode[] | undefined;
    if (decorators) for (const decorator of decorators) this.visit(decorator, scope);
  }

  private visitFunction(node: AnyNode, outer: Scope): void {
    const inner = new Scope(node, outer, true);
    if (node.type === "FunctionExpression" && node.id) this.declareName(node.id as AnyNode, inner, "function", node);
    for (const param of node.params as AnyNode[]) {
      if (isThisParameter(param)) continue;
      this.declarePattern(param, inner, "param", param);
      this.visitPatternExpressions(param, inner);
    }
    const body = node.body as AnyNode | undefined;
    if (!body) return;
    if (body.type === "BlockStatement") this.visitStatements(body.body as AnyNode[], inner);
    else this.visit(body, inner);
  }

  private visitClass(node: AnyNode, outer: Scope): void {
    this.visitDecorators(node, outer);
    if (node.superClass) this.visit(node.superClass as AnyNode, outer);
    const inner = new Scope(node, outer, false);
    if (node.type === "ClassExpression" && node.id) this.declareName(node.id as AnyNode, inner, "class", node);
    for (const member of (node.body as AnyNode).body as AnyNode[]) this.visit(member, inner);
  }

  /** `<Foo />` and `<ui.Button />` read bindings; `<div />` and `<svg:rect />` do not. */
  private visitJsxName(name: AnyNode, scope: Scope): void {
    if (name.type === "JSXIdentifier") {
      const text = name.name as string;
      if (/^[A-Z_$]/.test(text) || text.includes(".")) this.references.push({ name: text, start: name.start as number, scope, node: name });
    } else if (name.type === "JSXMemberExpression") {
      let root = name;
      while (root.type === "JSXMemberExpression") root = root.object as AnyNode;
      if (root.type === "JSXIdentifier") this.references.push({ name: root.name as string, start: root.start as number, scope, node: root });
    }
  }
}

/** The identifier an assignment target starts from: `x` in `x = …`, `x.y.z = …`, `x[k] = …`. */
export function assignedRoot(target: AnyNode): AnyNode | undefined {
  let node = unwrapTypeWrappers(target);
  while (node.type === "MemberExpression") node = unwrapTypeWrappers(node.object as AnyNode);
  return node.type === "Identifier" ? node : undefined;
}

function unwrapPatternDefault(node: AnyNode): AnyNode {
  return node.type === "AssignmentPattern" ? (node.left as AnyNode) : node;
}

export function propertyKeyName(key: AnyNode): string | undefined {
  switch (key.type) {
    case "Identifier":
      return key.name as string;
    case "StringLiteral":
      return key.value as string;
    case "NumericLiteral":
      return String(key.value);
    case "BigIntLiteral":
      return String(key.value);
    default:
      return undefined;
  }
}
