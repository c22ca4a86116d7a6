/**
 * Imports a user's module the way `daft run` would run it: under daft's loader (so its func
 * nodes carry build info) and, for TypeScript, through Node's type stripping or tsx.
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { debugCli } from "../debug/index.js";
import { CliError } from "./errors.js";
import { loaderUrl, typeScriptSupport } from "./typescript.js";

export async function importUserModule(path: string, cwd = process.cwd()): Promise<Record<string, unknown>> {
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) throw new CliError(`module not found: ${path} (looked for ${absolute})`);
  const typescript = typeScriptSupport(absolute, cwd);
  // The loader keeps its caches in the project of the entry script (process.argv[1]); the
  // module is the entry here, as the script is for `daft run`.
  process.argv[1] = absolute;
  // Hooks registered now apply to every module imported after them: first daft's, then tsx's,
  // in the order `daft run` gives them on the command line.
  await import(loaderUrl());
  if (typescript.kind === "tsx") await import(typescript.url);
  if (debugCli.enabled) debugCli("importing %s (TypeScript: %s)", absolute, typescript.kind);
  try {
    return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    const shown = relative(cwd, absolute) || absolute;
    throw new CliError(`importing ${shown} failed: ${(error as Error)?.message ?? String(error)}`, 1, { cause: error });
  }
}
