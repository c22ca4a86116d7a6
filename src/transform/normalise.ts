/**
 * Canonical text of an AST: what the code does, without how it is written. Hashing this text
 * instead of the source makes hashes immune to whitespace, comments, quote style, redundant
 * parentheses, trailing commas, semicolons (ASI) and TypeScript types, while any change to what
 * runs changes it.
 *
 * The text is a compact prefix notation: `Type{key:value,key:[…]}`. Positions, raw spellings,
 * comments and type-only nodes are skipped (see ast.ts); `false`/`null` fields are omitted (every
 * field is named, so omission cannot make two different trees collide).
 */
import { IGNORED_KEYS, isNode, isThisParameter, isTypeOnly, isTypeWrapper, keepsOptionalFlag, unwrapTypeWrappers, type AnyNode } from "./ast.js";
import { hashString } from "../hashing/xxhash.js";
import { importEdgeOf, type ImportEdge } from "./module-imports.js";

/** Bumped whenever the canonical text changes shape, so old hashes are never compared with new ones. */
export const NORMALISER_VERSION = 1;

export function canonicalText(node: AnyNode): string {
  const parts: string[] = [];
  writeNode(node, parts);
  return parts.join("");
}

/**
 * The canonical text of a whole module and its import edges, in one walk (both are needed for
 * every file of an import graph, so walking once matters).
 */
export function canonicalModule(program: AnyNode): { text: string; imports: ImportEdge[] } {
  const parts: string[] = [];
  const imports: ImportEdge[] = [];
  writeNode(program, parts, imports);
  return { text: parts.join(""), imports };
}

export function hashNode(node: AnyNode, salt = ""): string {
  return hashString(`${salt}\n${canonicalText(node)}`);
}

function writeNode(input: AnyNode, out: string[], edges?: ImportEdge[]): void {
  const node = isTypeWrapper(input) ? unwrapTypeWrappers(input) : input;
  if (isTypeOnly(node)) {
    out.push("_");
    return;
  }
  if (edges) {
    const edge = importEdgeOf(node);
    if (edge) edges.push(edge);
  }
  out.push(node.type, "{");
  for (const key in node) {
    if (IGNORED_KEYS.has(key)) continue;
    if (key === "optional" && !keepsOptionalFlag(node)) continue;
    const value = node[key];
    if (value === null || value === undefined || value === false) continue;
    if (node.type === "JSXText" && key === "value") {
      out.push("value:", JSON.stringify(jsxTextValue(value as string)), ",");
      continue;
    }
    writeField(key, value, out, edges);
  }
  out.push("}");
}

function writeField(key: string, value: unknown, out: string[], edges: ImportEdge[] | undefined): void {
  switch (typeof value) {
    case "string":
      out.push(key, ":", JSON.stringify(value), ",");
      return;
    case "number":
    case "bigint":
      out.push(key, ":", String(value), ",");
      return;
    case "boolean":
      out.push(key, "!,");
      return;
    case "object":
      break;
    default:
      return;
  }
  if (Array.isArray(value)) {
    out.push(key, ":[");
    for (const item of value) {
      if (item === null || item === undefined) {
        out.push("_,"); // a hole: `[, b] = xs`
        continue;
      }
      if (isNode(item)) {
        if (isTypeOnly(item)) continue;
        // `;;` and `};` leave empty statements in statement lists: they never run anything.
        if (item.type === "EmptyStatement") continue;
        if (key === "params" && isThisParameter(item)) continue;
        writeNode(item, out, edges);
      } else {
        writePlain(item, out);
      }
      out.push(",");
    }
    out.push("],");
    return;
  }
  if (isNode(value)) {
    out.push(key, ":");
    writeNode(value, out, edges);
    out.push(",");
    return;
  }
  out.push(key, ":");
  writePlain(value, out);
  out.push(",");
}

/** Plain objects inside nodes (`TemplateElement.value = { raw, cooked }`), in sorted key order. */
function writePlain(value: unknown, out: string[]): void {
  if (typeof value !== "object" || value === null) {
    out.push(JSON.stringify(value) ?? "_");
    return;
  }
  const record = value as Record<string, unknown>;
  out.push("{");
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    out.push(key, ":", JSON.stringify(item) ?? "_", ",");
  }
  out.push("}");
}

/**
 * JSX text as React sees it: lines trimmed, blank lines dropped, the rest joined by one space.
 * Re-indenting JSX therefore does not change the hash.
 */
function jsxTextValue(raw: string): string {
  const lines = raw.split(/\r\n|\n|\r/);
  if (lines.length === 1) return raw;
  const kept: string[] = [];
  lines.forEach((line, index) => {
    let text = line;
    if (index > 0) text = text.replace(/^[ \t]+/, "");
    if (index < lines.length - 1) text = text.replace(/[ \t]+$/, "");
    if (text) kept.push(text);
  });
  return kept.join(" ");
}
