/**
 * `daft run [--dry] <script> [args...]`: the script in a child Node process with daft's loader
 * (and tsx for TypeScript where Node needs it), stdio shared, signals passed on, its exit status
 * returned. `--dry` sets DAFT_DRY_RUN=1 for the script: its Runners run nothing (see the Runner).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { resolve } from "node:path";
import { debugCli } from "../debug/index.js";
import { DRY_RUN_VARIABLE } from "../runner/dry-run-environment.js";
import { CliError } from "./errors.js";
import { loaderUrl, typeScriptSupport } from "./typescript.js";

/** Signals a user or a supervisor sends to stop the command, passed on to the script. */
const FORWARDED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR2"];

export function nodeArgumentsFor(script: string, cwd: string): string[] {
  const absolute = resolve(cwd, script);
  if (!existsSync(absolute)) throw new CliError(`script not found: ${script} (looked for ${absolute})`);
  // daft's loader first: its hook then runs after tsx's and sees the file as written.
  const args = ["--import", loaderUrl()];
  const typescript = typeScriptSupport(absolute, cwd);
  if (typescript.kind === "tsx") args.push("--import", typescript.url);
  if (debugCli.enabled && typescript.kind !== "not-needed") {
    debugCli("TypeScript through %s", typescript.kind === "tsx" ? `the project's tsx (${typescript.url})` : "Node's type stripping");
  }
  // `--` ends Node's options: a script named like one (`-e`, `--require=…`) is still the script.
  return [...args, "--", script];
}

/**
 * `daft run <script> --dry`, as the usage `daft run <script> [--dry]` reads: `--dry` right after
 * the script is daft's, unless `--` came before the script (`daft run -- <script> --dry`: every
 * argument after the script is the script's).
 */
export function dryFlagAfterScript(script: string, scriptArgs: readonly string[], argv: readonly string[]): boolean {
  if (scriptArgs[0] !== "--dry") return false;
  const run = argv.indexOf("run");
  const dashes = argv.indexOf("--", run + 1);
  return dashes === -1 || dashes > argv.indexOf(script, run + 1);
}

/** Runs the script; resolves with the exit code to use, or re-raises the signal that killed it. */
export function runScript(script: string, scriptArgs: string[], options: { dry?: boolean } = {}): Promise<number> {
  const cwd = process.cwd();
  const args = [...nodeArgumentsFor(script, cwd), ...scriptArgs];
  if (debugCli.enabled) debugCli(`spawn ${process.execPath} ${args.join(" ")}${options.dry ? ` with ${DRY_RUN_VARIABLE}=1` : ""}`);
  const env = options.dry ? { ...process.env, [DRY_RUN_VARIABLE]: "1" } : process.env;
  const child = spawn(process.execPath, args, { stdio: "inherit", env });

  // The child usually gets a terminal's Ctrl-C itself (same process group); passing it on as
  // well covers `kill <pid of daft>` and supervisors, at worst delivering it twice.
  const forward = (signal: NodeJS.Signals) => {
    if (debugCli.enabled) debugCli("forwarding %s to pid %d", signal, child.pid);
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);

  return new Promise((resolvePromise, reject) => {
    child.on("error", (error) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      reject(new CliError(`could not start ${process.execPath}: ${error.message}`));
    });
    child.on("exit", (code, signal) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      if (debugCli.enabled) debugCli("script exited with %s", signal ?? code);
      if (signal) {
        // Die of the same signal, so whoever started daft sees what happened to the script.
        process.kill(process.pid, signal);
        resolvePromise(128 + (constants.signals[signal] ?? 1));
        return;
      }
      resolvePromise(code ?? 1);
    });
  });
}
