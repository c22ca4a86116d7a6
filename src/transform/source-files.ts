/**
 * Which files the transform handles: the one predicate both hosts use. A source file is a
 * .js .mjs .cjs .ts .mts .cts .jsx .tsx file outside `node_modules`, not a declaration file
 * (.d.ts), not a virtual module. The Node loader applies it to module URLs, the bundler plugins
 * to module ids (their native hook filters are built from the same patterns).
 */
import { fileURLToPath } from "node:url";

/** The extensions of source files, lower case. */
const SOURCE_EXTENSIONS = ["js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx"];
const SOURCE_EXTENSION_SET: ReadonlySet<string> = new Set(SOURCE_EXTENSIONS);
/** As a regular expression fragment (no flags, no back-references: Go's engine in esbuild reads it too). */
const SOURCE_EXTENSION = String.raw`\.(?:${SOURCE_EXTENSIONS.join("|")})`;

/** For bundler hook filters: a source module id, which may carry a query (`?v=123`). */
export const SOURCE_ID = new RegExp(`${SOURCE_EXTENSION}(?:$|[?#])`);
/** For esbuild's `onLoad` filter (run in Go: no query part, no lookaround). */
export const SOURCE_PATH = new RegExp(`${SOURCE_EXTENSION}$`);
/** A path with a `node_modules` folder in it (either separator). */
export const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

export function isInNodeModules(path: string): boolean {
  return path.includes("/node_modules/") || path.includes("\\node_modules\\");
}

/**
 * Whether a file name has a source extension (any case) and is not a declaration file. String
 * operations, not a regular expression: the Node loader asks this of every module it sees.
 */
function isSourceFile(file: string): boolean {
  const dot = file.lastIndexOf(".");
  if (dot === -1 || file.length - dot > 4) return false;
  const extension = file.slice(dot + 1).toLowerCase();
  return SOURCE_EXTENSION_SET.has(extension) && !isDeclaration(file, dot, extension);
}

/** `foo.d.ts`, `foo.d.mts`, `foo.d.cts`: `extension` is what follows the last dot, at `dot`. */
function isDeclaration(file: string, dot: number, extension: string): boolean {
  return (
    (extension === "ts" || extension === "mts" || extension === "cts") &&
    dot >= 2 &&
    file.charCodeAt(dot - 2) === 0x2e /* . */ &&
    (file.charCodeAt(dot - 1) | 0x20) === 0x64 /* d, either case */
  );
}

/** Whether a `file:` URL is its path after `file://`: POSIX, `file:///`, no escapes, no fragment (the query is cut). */
function plainFileUrl(url: string): boolean {
  return process.platform !== "win32" && url.startsWith("file:///") && url.indexOf("%") === -1 && url.indexOf("#") === -1;
}

/**
 * The file path an id names, or undefined for ids the transform never handles: virtual modules
 * (`\0…`, `virtual:…`), files in `node_modules`, declaration files, and anything that is not
 * .js .mjs .cjs .ts .mts .cts .jsx .tsx. Bundler query strings (`?v=123`) are dropped; `file:` URLs
 * are accepted.
 */
export function transformablePath(id: string): string | undefined {
  if (id.charCodeAt(0) === 0 || id.startsWith("virtual:")) return undefined;
  let file = id;
  const query = file.indexOf("?");
  if (query !== -1) file = file.slice(0, query);
  if (file.startsWith("file:")) {
    // A plain `file:///…` URL is its path: no URL parsing (the loader converts each module's URL).
    if (plainFileUrl(file)) {
      file = file.slice("file://".length);
    } else {
      try {
        file = fileURLToPath(file);
      } catch {
        return undefined;
      }
    }
  }
  return isSourceFile(file) && !isInNodeModules(file) ? file : undefined;
}

/** Whether a file is a declaration file (types only: it parses, but nothing in it runs). */
export function isDeclarationFile(file: string): boolean {
  const dot = file.lastIndexOf(".");
  return dot !== -1 && isDeclaration(file, dot, file.slice(dot + 1).toLowerCase());
}
