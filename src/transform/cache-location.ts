/**
 * Where the transform keeps its cache files across runs, for every host: the Node loader and
 * the bundler plugins share them, so each tool starts warm from the other's work.
 *
 * `<project root>/node_modules/.cache/daft/` is the conventional place for tools' caches
 * (ignored by git, removed with node_modules). When that folder cannot be written (a read-only
 * deployment), a folder in the OS temp directory named after the root is used instead.
 */
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The transform's cache file: results and per-file records (persistent-store.ts). */
export const TRANSFORM_CACHE_FILE = "transform.json";
/** Where the func calls of code another tool compiled are (cold/foreign-code.ts), beside it. */
const COMPILED_CALLS_FILE = "compiled-calls.json";

/** The transform cache file of the project at `root`, or undefined when no folder can hold it. */
export function transformCacheFile(root: string): string | undefined {
  const dir = cacheDirOf(root);
  return dir === undefined ? undefined : join(dir, TRANSFORM_CACHE_FILE);
}

/** The file of compiled code's call positions that goes with a transform cache file. */
export function compiledCallsFileBeside(transformCache: string): string {
  return join(dirname(transformCache), COMPILED_CALLS_FILE);
}

function cacheDirOf(root: string): string | undefined {
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
