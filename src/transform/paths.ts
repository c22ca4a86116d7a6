/**
 * Project-relative paths with `/` separators: the only form of a path that enters a hash or the
 * injected build info, so the same checkout anywhere on any machine hashes the same.
 */
import { isAbsolute, relative, sep } from "node:path";

/** A `.` or `..` segment: a path that needs normalising before prefixes can be compared. */
const DOT_SEGMENT = /[\\/]\.\.?(?:[\\/]|$)/;

export function isNormalised(path: string): boolean {
  return !DOT_SEGMENT.test(path);
}

export function relativePath(root: string, file: string): string {
  // Fast path for the common case (a file under the root): path.relative normalises both sides.
  if (file.length > root.length + 1 && file.startsWith(root) && file[root.length] === sep && isNormalised(file)) {
    const rel = file.slice(root.length + 1);
    return sep === "/" ? rel : rel.split(sep).join("/");
  }
  const rel = relative(root, file);
  const posix = sep === "/" ? rel : rel.split(sep).join("/");
  return posix === "" ? "." : posix;
}

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..";
}

export function isAbsoluteSpecifier(specifier: string): boolean {
  return specifier.startsWith("/") || (isAbsolute(specifier) && !specifier.startsWith("\\\\"));
}
