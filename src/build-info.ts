/**
 * The build info the compile-time transform injects into every `func(options, fn)` call as a
 * third argument, and the runtime reads instead of parsing anything. This module is the one
 * place both sides agree on its shape.
 */
export interface BuildInfo {
  /** Format version; the runtime ignores build info of a version it does not know. */
  v: 1;
  /** Hash of the function's normalised code plus the same-file bindings it references. */
  codeHash: string;
  /**
   * What `codeHash` is made of, to explain a miss: `own`, the function and its same-file code;
   * `imports`, the imported bindings it reads by the files they resolve to (the code hash names
   * them by specifier). Optional: older build info has none.
   */
  codeParts?: { own: string; imports: string };
  /** Cumulative hash of the imported files, one per level: index 0 is depth 1. */
  depsHashes: string[];
  /**
   * Input names, in the order of the destructuring pattern (or a literal `options.inputs`).
   * Absent when the transform could not read them (a `...rest` element, a computed key, a
   * parameter that is not destructured, a function defined elsewhere): the runtime then falls
   * back to `options.inputs` or reports the problem.
   */
  inputs?: string[];
  /** The input names that have a default in the pattern. Absent exactly when `inputs` is. */
  defaults?: string[];
  /** The file of the call, relative to the project root, with `/` separators. */
  file: string;
  /**
   * The files reached, as `[path, level, hash]` (path relative to the project root), so a miss
   * caused by imported code can name the files that changed. Omitted for very large closures.
   * Rows that are not project files: `["npm:<name>", level, "<version>"]` for a package in
   * node_modules, `["node:<name>", level, "builtin"]`, and `["<specifier>", level, "unresolved"]`.
   */
  depsFiles?: Array<[path: string, level: number, hash: string]>;
}

export const BUILD_INFO_VERSION = 1;

export function isBuildInfo(value: unknown): value is BuildInfo {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { v?: unknown }).v === BUILD_INFO_VERSION &&
    typeof (value as { codeHash?: unknown }).codeHash === "string"
  );
}
