/**
 * The edges of the import graph that start in one module: static imports, re-exports, literal
 * dynamic `import()`, `require()`, `import x = require()`, and `new URL("./asset", import.meta.url)`.
 * Type-only imports and exports are not edges: they vanish when the code is compiled.
 */
import { staticString, type AnyNode } from "./ast.js";

export type ImportKind =
  /** `import x from "m"` / `import { x } from "m"` */
  | "static"
  /** `import "m"`: runs the module for its side effects */
  | "side-effect"
  /** `export * from "m"` / `export { x } from "m"` */
  | "reexport"
  /** `import("m")` */
  | "dynamic"
  /** `require("m")`, `import x = require("m")` */
  | "require"
  /** `new URL("./data.json", import.meta.url)` */
  | "asset";

export interface ImportEdge {
  kind: ImportKind;
  specifier: string;
  /** Position of the expression; used for edges that occur inside functions. */
  start: number;
}

/** The edge a node starts, if it is an import of some form. Type-only nodes never reach here. */
export function importEdgeOf(node: AnyNode): ImportEdge | undefined {
  switch (node.type) {
    case "ImportDeclaration": {
      const specifiers = node.specifiers as AnyNode[];
      const kind: ImportKind = specifiers.length === 0 ? "side-effect" : "static";
      return { kind, specifier: (node.source as AnyNode).value as string, start: node.start as number };
    }
    case "ExportAllDeclaration":
    case "ExportNamedDeclaration":
      if (!node.source) return undefined;
      return { kind: "reexport", specifier: (node.source as AnyNode).value as string, start: node.start as number };
    case "ImportExpression": {
      const specifier = staticString(node.source as AnyNode);
      return specifier === undefined ? undefined : { kind: "dynamic", specifier, start: node.start as number };
    }
    case "CallExpression": {
      const callee = node.callee as AnyNode;
      const args = node.arguments as AnyNode[];
      if (args.length < 1) return undefined;
      const isImport = callee.type === "Import";
      if (!isImport && !(callee.type === "Identifier" && callee.name === "require")) return undefined;
      const specifier = staticString(args[0]);
      if (specifier === undefined) return undefined;
      return { kind: isImport ? "dynamic" : "require", specifier, start: node.start as number };
    }
    case "TSImportEqualsDeclaration": {
      const reference = node.moduleReference as AnyNode;
      if (reference.type !== "TSExternalModuleReference") return undefined;
      const specifier = staticString(reference.expression as AnyNode);
      return specifier === undefined ? undefined : { kind: "require", specifier, start: node.start as number };
    }
    case "NewExpression": {
      const callee = node.callee as AnyNode;
      const args = node.arguments as AnyNode[];
      if (callee.type !== "Identifier" || callee.name !== "URL" || args.length !== 2) return undefined;
      const specifier = staticString(args[0]);
      if (specifier === undefined || !specifier.startsWith(".") || !isImportMetaUrl(args[1]!)) return undefined;
      return { kind: "asset", specifier, start: node.start as number };
    }
    default:
      return undefined;
  }
}

function isImportMetaUrl(node: AnyNode): boolean {
  if (node.type !== "MemberExpression" || node.computed) return false;
  const object = node.object as AnyNode;
  const property = node.property as AnyNode;
  return (
    object.type === "MetaProperty" &&
    (object.meta as AnyNode).name === "import" &&
    (object.property as AnyNode).name === "meta" &&
    property.name === "url"
  );
}

/** Whether the edge is loaded through CommonJS resolution (`require` conditions in `exports`). */
export function isRequireEdge(edge: { kind: ImportKind }): boolean {
  return edge.kind === "require";
}
