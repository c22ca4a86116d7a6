/**
 * Small AST vocabulary shared by the normaliser, the scope analysis and the import scan: which
 * parts of a Babel AST exist only for TypeScript's type checker (and so never change what runs),
 * and how to walk the rest generically.
 */
/**
 * Any AST node, seen generically (key → child nodes, arrays or plain values). Babel's precise
 * node types buy little here: most code walks nodes of every kind the same way.
 */
export interface AnyNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

export function isNode(value: unknown): value is AnyNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/**
 * Keys that never describe what the code does: positions, raw spellings, comments, and every
 * type-only slot TypeScript adds to otherwise runtime nodes.
 */
export const IGNORED_KEYS = new Set([
  "type",
  "start",
  "end",
  "loc",
  "range",
  "extra",
  "leadingComments",
  "trailingComments",
  "innerComments",
  "comments",
  "tokens",
  "errors",
  "typeAnnotation",
  "returnType",
  "typeParameters",
  "typeArguments",
  "superTypeParameters",
  "superTypeArguments",
  "implements",
  "predicate",
  "accessibility",
  "definite",
  "readonly",
  "override",
  "abstract",
  "declare",
  "importKind",
  "exportKind",
  // `{ x }` is `{ x: x }`: Babel gives a shorthand property its own value node, so only the flag differs.
  "shorthand",
]);

/** TypeScript nodes that exist at run time; every other `TS*` node is type-only. */
const RUNTIME_TS_NODES = new Set([
  "TSEnumDeclaration",
  "TSEnumBody",
  "TSEnumMember",
  "TSModuleDeclaration",
  "TSModuleBlock",
  "TSParameterProperty",
  "TSImportEqualsDeclaration",
  "TSExternalModuleReference",
  "TSQualifiedName",
  "TSExportAssignment",
]);

/** Expression wrappers that only talk to the type checker: `x as T`, `x satisfies T`, `x!`, `<T>x`, `f<T>`. */
const TYPE_WRAPPERS = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
]);

/** Calls `visit` with each child node of `node` (source positions and parser extras are not nodes). */
export function forEachChild(node: AnyNode, visit: (child: AnyNode) => void): void {
  for (const key in node) {
    if (key === "loc" || key === "extra") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (isNode(value)) visit(value);
  }
}

/** Strips type-only expression wrappers: `(x as Foo)!` → `x`. */
export function unwrapTypeWrappers(node: AnyNode): AnyNode {
  let current = node;
  while (TYPE_WRAPPERS.has(current.type)) current = current.expression as AnyNode;
  return current;
}

export function isTypeWrapper(node: AnyNode): boolean {
  return TYPE_WRAPPERS.has(node.type);
}

/**
 * True for a node that has no run-time existence at all and is left out entirely: interfaces,
 * type aliases, overload signatures, `declare`d things, abstract members, type-only imports and
 * exports, `export as namespace`, and the `this` parameter of a function.
 */
export function isTypeOnly(node: AnyNode): boolean {
  const type = node.type;
  if (type.startsWith("TS")) {
    if (!RUNTIME_TS_NODES.has(type) && !TYPE_WRAPPERS.has(type)) return true;
    if (type === "TSModuleDeclaration" && (node.declare === true || (node.id as AnyNode | undefined)?.type === "StringLiteral")) return true;
    if (type === "TSImportEqualsDeclaration" && node.importKind === "type") return true;
  }
  if (node.declare === true) return true;
  switch (type) {
    case "ClassProperty":
    case "ClassAccessorProperty":
      return node.abstract === true;
    case "ImportDeclaration":
      return node.importKind === "type" || node.importKind === "typeof" || onlyTypeSpecifiers(node);
    case "ImportSpecifier":
      return node.importKind === "type" || node.importKind === "typeof";
    case "ExportNamedDeclaration":
      return (
        node.exportKind === "type" ||
        (node.declaration != null && isTypeOnly(node.declaration as AnyNode)) ||
        onlyTypeSpecifiers(node)
      );
    case "ExportSpecifier":
      return node.exportKind === "type";
    case "ExportAllDeclaration":
      return node.exportKind === "type";
    case "ExportDefaultDeclaration":
      return isTypeOnly(node.declaration as AnyNode);
    case "Identifier":
      return false;
    default:
      return false;
  }
}

/** `import { type A, type B } from "./x"`: every binding is a type, so nothing is imported at run time. */
function onlyTypeSpecifiers(node: AnyNode): boolean {
  const specifiers = node.specifiers as AnyNode[] | undefined;
  return !!specifiers && specifiers.length > 0 && specifiers.every((specifier) => isTypeOnly(specifier));
}

/** `function f(this: Foo, x)`: the `this` pseudo-parameter is TypeScript-only. */
export function isThisParameter(node: AnyNode): boolean {
  return node.type === "Identifier" && node.name === "this";
}

/**
 * `optional` is TypeScript's `?` on identifiers and class members, but on `a?.b` / `f?.()` it is
 * real semantics.
 */
export function keepsOptionalFlag(node: AnyNode): boolean {
  return node.type === "OptionalMemberExpression" || node.type === "OptionalCallExpression";
}

/** A string value of a literal that is statically known: `"x"`, `'x'`, or a template without expressions. */
export function staticString(node: AnyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  const inner = unwrapTypeWrappers(node);
  if (inner.type === "StringLiteral") return inner.value as string;
  if (inner.type === "TemplateLiteral" && (inner.expressions as unknown[]).length === 0) {
    const quasi = (inner.quasis as Array<{ value: { cooked?: string | null } }>)[0];
    return quasi?.value.cooked ?? undefined;
  }
  return undefined;
}
