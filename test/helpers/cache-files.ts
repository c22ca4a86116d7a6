/**
 * The transform's cache files as the tests that tamper with them see them: every string field of
 * a file (as a path into its JSON), and the file written back with one field changed, in the
 * layout the transform writes (a header line, a "transforms" line, a "files" line).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export type FieldPath = Array<string | number>;

/** The paths of every string value in `value`, in document order. */
export function stringFields(value: unknown, path: FieldPath = []): FieldPath[] {
  if (typeof value === "string") return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringFields(item, [...path, index]));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([key, item]) => stringFields(item, [...path, key]));
  return [];
}

/** `transforms["../../../src/nodes.mjs"].calls[0].codeHash` */
export function describeField(path: FieldPath): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? part : `[${JSON.stringify(part)}]`)).join("");
}

/** The cache file's text in the transform's layout. */
export function cacheFileText(document: Record<string, unknown>): string {
  const { transforms, files, ...header } = document;
  return `${JSON.stringify(header).slice(0, -1)},\n"transforms":${JSON.stringify(transforms)},\n"files":${JSON.stringify(files)}}\n`;
}

/** `text` (a cache file) with the string at `path` replaced by `replacement`, layout kept. */
export function withField(text: string, path: FieldPath, replacement: string): string {
  const document = JSON.parse(text) as Record<string, unknown>;
  let parent: Record<string | number, unknown> = document;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  parent[path.at(-1)!] = replacement;
  return cacheFileText(document);
}

/** Absolute paths of the files named `name` anywhere below `dir`. */
export function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((relative) => relative === name || relative.endsWith(`/${name}`))
    .map((relative) => join(dir, relative));
}
