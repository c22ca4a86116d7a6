/**
 * Cheap checks that run on every module a loader or bundler sees, before anything is parsed.
 * They must cost next to nothing on the vast majority of files, which never mention daft.
 */
import { fileURLToPath } from "node:url";

const DAFT_SPECIFIER = /(["'`])daft\1/;

/**
 * Whether `code` may call daft's `func`: true when the module names the "daft" package in a
 * string (`from "daft"`, `require('daft')`, `import(\`daft\`)`), which every way of getting at
 * `func` needs. A false positive only costs a parse; a false negative would skip a file, so the
 * check is deliberately loose about what surrounds the string.
 */
export function mightContainFunc(code: string): boolean {
  // indexOf is a fast native scan; the regular expression only runs on files that mention daft.
  return code.indexOf("daft") !== -1 && DAFT_SPECIFIER.test(code);
}

/** A POSIX `file:///` URL without escapes, fragment or query, whose path is the rest of it. */
const PLAIN_FILE_URL: RegExp | undefined = process.platform === "win32" ? undefined : /^file:\/\/\/[^%#?]*$/;

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

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
  if (!SOURCE_EXTENSION.test(file) || /\.d\.[cm]?ts$/i.test(file)) return undefined;
  if (file.includes("/node_modules/") || file.includes("\\node_modules\\")) return undefined;
  return file;
}

/** Whether the transform would look at a module with this id (and this code, when given). */
export function shouldTransform(id: string, code?: string): boolean {
  return transformablePath(id) !== undefined && (code === undefined || mightContainFunc(code));
}
