/**
 * Where the loader keeps its caches across runs: `<project root>/node_modules/.cache/daft/`, the
 * conventional place for tools' caches (ignored by git, removed with node_modules). The project
 * root is found from the entry script the way the transform finds it (nearest workspace root,
 * else nearest package.json). When that folder cannot be written (a read-only deployment), a
 * folder in the OS temp directory named after the root is used instead.
 */
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { findProjectRoot } from "../src/project-root.js";

/** The transform's cache file, shared with the bundler plugins (their default `cache`). */
export const TRANSFORM_CACHE_FILE = "transform.json";
/** Where build info goes in code another loader compiled (see foreign-code.ts). */
export const COMPILED_CALLS_FILE = "compiled-calls.json";

export function loaderCacheDir(
  entry: string | undefined = process.argv[1],
  cwd: string = process.cwd(),
  /** The project root of a directory (the loader passes the finder its transform uses, to walk up once). */
  rootOf: (dir: string) => string = findProjectRoot,
): string | undefined {
  // An entry inside node_modules is a tool (a test runner, a CLI): the project is where it runs.
  const from = entry && !/[\\/]node_modules[\\/]/.test(entry) ? dirname(resolve(cwd, entry)) : cwd;
  const root = rootOf(from);
  const preferred = join(root, "node_modules", ".cache", "daft");
  if (canCreate(preferred)) return preferred;
  // node:crypto is loaded only here, on the rare fallback, to keep the usual start-up lean.
  const { createHash } = process.getBuiltinModule("node:crypto");
  const fallback = join(tmpdir(), `daft-cache-${createHash("sha256").update(root).digest("hex").slice(0, 16)}`);
  return canCreate(fallback) ? fallback : undefined;
}

/** Whether `dir` exists and is writable, or could be created (its nearest existing ancestor is). */
function canCreate(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    try {
      accessSync(current, constants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(current) === current) return false;
    }
  }
}
