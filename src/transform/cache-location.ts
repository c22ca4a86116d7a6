/**
 * Where the transform keeps its cache files across runs, for every host: the Node loader and
 * the bundler plugins share them, so each tool starts warm from the other's work.
 *
 * `<project root>/node_modules/.cache/daft/` is the conventional place for tools' caches
 * (ignored by git, removed with node_modules). When that folder cannot be written (a read-only
 * deployment), the fallback is a folder of the user's own: `<cache home>/daft/transform-<hash of
 * the root>`, where the cache home is `$XDG_CACHE_HOME`, else `~/.cache` (`%LOCALAPPDATA%` on
 * Windows). It is created with mode 0700, and used only while it and its `daft` parent are
 * real folders owned by this user that nobody else may write to; otherwise the caches stay in
 * memory (a DEBUG=daft:transform line says why). A folder another user can write is a folder
 * whose cache they choose.
 */
import { accessSync, constants, lstatSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { debugTransform } from "../debug/index.js";
import { hashString } from "../hashing/xxhash.js";

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
  const home = cacheHome();
  if (home === undefined) return refused(`${preferred} cannot be written and there is no cache home folder`);
  const base = join(home, "daft");
  const dir = join(base, `transform-${hashString(root)}`);
  for (const folder of [base, dir]) {
    const problem = privateFolderProblem(folder);
    if (problem !== undefined) return refused(`${preferred} cannot be written, and the fallback ${folder} ${problem}`);
  }
  return dir;
}

function cacheHome(): string | undefined {
  const given = process.platform === "win32" ? process.env.LOCALAPPDATA : process.env.XDG_CACHE_HOME;
  if (given && isAbsolute(given)) return given;
  try {
    return join(homedir(), ".cache");
  } catch {
    return undefined;
  }
}

/**
 * Creates `dir` (mode 0700) if it does not exist, then says what makes it unfit to hold a
 * cache: not a real folder (a symbolic link may point anywhere), another owner, or writable by
 * its group or by everyone. Undefined when it is fit.
 */
function privateFolderProblem(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return `cannot be created (${(error as Error).message})`;
  }
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    return `cannot be examined (${(error as Error).message})`;
  }
  if (!stats.isDirectory()) return "is not a folder (a symbolic link or a file)";
  // Windows has no uid and no group/other mode bits: its folder permissions are ACLs.
  if (process.platform === "win32") return undefined;
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `belongs to uid ${stats.uid}, not to this user (uid ${uid})`;
  if ((stats.mode & 0o022) !== 0) return `can be written by others (mode ${(stats.mode & 0o777).toString(8)})`;
  return undefined;
}

function refused(why: string): undefined {
  if (debugTransform.enabled) debugTransform(`caches in memory only: ${why}`);
  return undefined;
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
