/**
 * Cheap checks that run on every module a loader or bundler sees, before anything is parsed.
 * They must cost next to nothing on the vast majority of files, which never mention daft.
 */
import { transformablePath } from "./source-files.js";

const NEEDLE = "daft";
/** As bytes, so Buffer.indexOf does not convert the string on every call. */
const NEEDLE_BYTES = Buffer.from(NEEDLE);
const DAFT_SPECIFIER = /(["'`])daft\1/;

/**
 * For hook filters that run in a bundler's native regex engine (no back-references): looser
 * than `mightContainFunc`, never stricter.
 */
export const NAMES_DAFT = /["'`]daft["'`]/;

/**
 * Whether a module's text or bytes mention daft at all (false: certainly no `func` call). On
 * bytes, so a host can turn a module away before decoding it.
 */
export function mentionsDaft(source: string | Buffer): boolean {
  return typeof source === "string" ? source.indexOf(NEEDLE) !== -1 : source.indexOf(NEEDLE_BYTES) !== -1;
}

/**
 * Whether `code` may call daft's `func`: true when the module names the "daft" package in a
 * string (`from "daft"`, `require('daft')`, `import(\`daft\`)`), which every way of getting at
 * `func` needs. A false positive only costs a parse; a false negative would skip a file, so the
 * check is deliberately loose about what surrounds the string.
 */
export function mightContainFunc(code: string): boolean {
  // indexOf is a fast native scan; the regular expression only runs on files that mention daft.
  return mentionsDaft(code) && DAFT_SPECIFIER.test(code);
}

/** Whether the transform would look at a module with this id (and this code, when given). */
export function shouldTransform(id: string, code?: string): boolean {
  return transformablePath(id) !== undefined && (code === undefined || mightContainFunc(code));
}
