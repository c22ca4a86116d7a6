/**
 * Which files the transform handles: the one predicate both hosts use. A source file is a
 * .js .mjs .cjs .ts .mts .cts .jsx .tsx file outside `node_modules`, not a declaration file
 * (.d.ts), not a virtual module. The Node loader applies it to module URLs, the bundler plugins
 * to module ids (their native hook filters are built from the same patterns).
 */
import { fileURLToPath } from "node:url";

/** The extensions, as a regular expression fragment (no flags, no back-references: Go's engine in esbuild reads it too). */
const SOURCE_EXTENSION = String.raw`\.(?:[cm]?[jt]s|[jt]sx)`;

/** A source file path. */
const SOURCE_FILE = new RegExp(`${SOURCE_EXTENSION}$`, "i");
const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

/** For bundler hook filters: a source module id, which may carry a query (`?v=123`). */
export const SOURCE_ID = new RegExp(`${SOURCE_EXTENSION}(?:$|[?#])`);
/** For esbuild's `onLoad` filter (run in Go: no query part, no lookaround). */
export const SOURCE_PATH = new RegExp(`${SOURCE_EXTENSION}$`);
/** A path with a `node_modules` folder in it (either separator). */
export const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

export function isInNodeModules(path: string): boolean {
  return IN_NODE_MODULES.test(path);
}

/** A POSIX `file:///` URL without escapes, fragment or query, whose path is the rest of it. */
const PLAIN_FILE_URL: RegExp | undefined = process.platform === "win32" ? undefined : /^file:\/\/\/[^%#?]*$/;

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
    if (PLAIN_FILE_URL?.test(file)) {
      file = file.slice("file://".length);
    } else {
      try {
        file = fileURLToPath(file);
      } catch {
        return undefined;
      }
    }
  }
  if (!SOURCE_FILE.test(file) || DECLARATION_FILE.test(file) || isInNodeModules(file)) return undefined;
  return file;
}

/** Whether a file is a declaration file (types only: it parses, but nothing in it runs). */
export function isDeclarationFile(file: string): boolean {
  return DECLARATION_FILE.test(file);
}
