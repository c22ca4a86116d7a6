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
import { hashString } from "../../hashing/xxhash.js";
import { importEdgeOf, type ImportEdge } from "./module-imports.js";

/** Bumped (in versions.ts) whenever the canonical text changes shape. */
export { NORMALISER_VERSION } from "../versions.js";

/** The canonical name of an identifier, when it differs from its own (see local-names.ts). */
export type Renamer = (identifier: AnyNode) => string | undefined;

export function canonicalText(node: AnyNode, rename?: Renamer): string {
  const writer = new CanonicalWriter(undefined, rename);
  writer.node(node);
  return writer.text;
}

/**
 * The canonical text of a whole module and its import edges, in one walk (both are needed for
 * every file of an import graph, so walking once matters).
 */
export function canonicalModule(program: AnyNode): { text: string; imports: ImportEdge[] } {
  const imports: ImportEdge[] = [];
  const writer = new CanonicalWriter(imports);
  writer.node(program);
  return { text: writer.text, imports };
}

export function hashNode(node: AnyNode, salt = ""): string {
  return hashString(`${salt}\n${canonicalText(node)}`);
}

/** Appends to one string (V8 builds it as a rope, cheaper than collecting parts to join). */
class CanonicalWriter {
  text = "";

  constructor(
    private readonly edges: ImportEdge[] | undefined,
    private readonly rename?: Renamer,
  ) {}

  node(input: AnyNode): void {
    const node = isTypeWrapper(input) ? unwrapTypeWrappers(input) : input;
    // The most common node by far: identifier names never need escaping.
    if (node.type === "Identifier" && node.decorators == null) {
      this.text += `Identifier{name:${this.rename?.(node) ?? (node.name as string)},}`;
      return;
    }
    if (isTypeOnly(node)) {
      this.text += "_";
      return;
    }
    if (this.edges) {
      const edge = importEdgeOf(node);
      if (edge) this.edges.push(edge);
    }
    this.text += `${node.type}{`;
    for (const key in node) {
      if (IGNORED_KEYS.has(key)) continue;
      if (key === "optional" && !keepsOptionalFlag(node)) continue;
      const value = node[key];
      if (value === null || value === undefined || value === false) continue;
      if (node.type === "JSXText" && key === "value") {
        this.text += `value:${JSON.stringify(jsxTextValue(value as string))},`;
        continue;
      }
      if (node.type === "Identifier" && key === "name" && this.rename) {
        this.text += `name:${this.rename(node) ?? (value as string)},`;
        continue;
      }
      this.field(key, value);
    }
    this.text += "}";
  }

  private field(key: string, value: unknown): void {
    switch (typeof value) {
      case "string":
        this.text += `${key}:${JSON.stringify(value)},`;
        return;
      case "number":
      case "bigint":
        this.text += `${key}:${String(value)},`;
        return;
      case "boolean":
        this.text += `${key}!,`;
        return;
      case "object":
        break;
      default:
        return;
    }
    if (Array.isArray(value)) {
      this.text += `${key}:[`;
      for (const item of value) {
        if (item === null || item === undefined) {
          this.text += "_,"; // a hole: `[, b] = xs`
          continue;
        }
        if (isNode(item)) {
          if (isTypeOnly(item)) continue;
          // `;;` and `};` leave empty statements in statement lists: they never run anything.
          if (item.type === "EmptyStatement") continue;
          if (key === "params" && isThisParameter(item)) continue;
          this.node(item);
        } else {
          this.text += plainText(item);
        }
        this.text += ",";
      }
      this.text += "],";
      return;
    }
    if (isNode(value)) {
      this.text += `${key}:`;
      this.node(value);
      this.text += ",";
      return;
    }
    this.text += `${key}:${plainText(value)},`;
  }
}

/** Plain objects inside nodes (`TemplateElement.value = { raw, cooked }`), in sorted key order. */
function plainText(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "_";
  const record = value as Record<string, unknown>;
  let text = "{";
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${key}:${JSON.stringify(item) ?? "_"},`;
  }
  return `${text}}`;
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
