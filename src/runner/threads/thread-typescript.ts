/**
 * tsx in worker threads on Node 20: there, tsx's `--import` entry registers its hooks in the
 * main thread only, so a thread started with the same execArgv cannot import a `.ts` module.
 * The thread registers tsx's hooks itself, after daft's loader (the order `daft run` uses), when
 * the process was started with tsx and this Node has no `module.registerHooks` (Node 22.15+,
 * whose threads get tsx from execArgv as they are).
 */
import { readFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { exports as resolveExports } from "resolve.exports";

let registered: Promise<void> | undefined;

/** The `--import` values of execArgv (`--import x` and `--import=x`). */
function importedEntries(execArgv: readonly string[]): string[] {
  const entries: string[] = [];
  execArgv.forEach((arg, index) => {
    if (arg === "--import" && execArgv[index + 1]) entries.push(execArgv[index + 1]!);
    else if (arg.startsWith("--import=")) entries.push(arg.slice("--import=".length));
  });
  return entries;
}

export function registerTsxIfNeeded(): Promise<void> {
  registered ??= (async () => {
    if (typeof (nodeModule as { registerHooks?: unknown }).registerHooks === "function") return;
    const tsx = importedEntries(process.execArgv).find((entry) => /(^|[/\\])tsx([/\\]|$)/.test(entry) || entry === "tsx");
    if (!tsx) return;
    const from = tsx.startsWith("file:") ? fileURLToPath(tsx) : join(process.cwd(), "noop.js");
    // Its ES module build: the CommonJS one would register CommonJS hooks only.
    const manifest = nodeModule.createRequire(from).resolve("tsx/package.json");
    const [entry] = resolveExports(JSON.parse(readFileSync(manifest, "utf8")) as object, "./esm/api", { require: false }) ?? [];
    if (!entry) return;
    const { register } = (await import(pathToFileURL(join(dirname(manifest), entry)).href)) as { register(): unknown };
    register();
  })();
  return registered;
}
