/**
 * Which project a `node --import daft/loader` process runs: the one its entry script is in. An
 * entry inside node_modules is a tool (a test runner, a CLI): the project is where it runs.
 */
import { dirname, resolve } from "node:path";
import { findProjectRoot } from "../src/project-root.js";
import { isInNodeModules, transformCacheFile } from "../src/transform/index.js";

/** The transform cache file for this process's project (undefined: caches in memory only). */
export function loaderCacheFile(entry: string | undefined = process.argv[1], cwd: string = process.cwd()): string | undefined {
  const from = entry && !isInNodeModules(entry) ? dirname(resolve(cwd, entry)) : cwd;
  return transformCacheFile(findProjectRoot(from));
}
