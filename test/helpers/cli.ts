/**
 * Shared by the CLI tests: the `cli-project` fixture copied to a temp folder (daft linked in,
 * tsx too when asked), the built `daft` executable run as a child process, and pipeline runs
 * under the Node loader. (What a cache directory holds: test/helpers/disk-cache/store.ts.)
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { copyFixture, repoRoot, type FixtureCopy } from "./fixture.js";
import { runNode, runProcess, type ProcessResult } from "./node-process.js";

/** The built executable (`bin.daft` of package.json). */
export const CLI = join(repoRoot, "dist", "src", "cli", "index.js");

export function copyCliProject(options: { tsx?: boolean } = {}): FixtureCopy {
  const copy = copyFixture("cli-project");
  if (options.tsx) symlinkSync(join(repoRoot, "node_modules", "tsx"), copy.path("node_modules/tsx"), "dir");
  return copy;
}

/** The environment of a child: this one without DEBUG (unless given), plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!("DEBUG" in extra)) delete env.DEBUG;
  return env;
}

/** `daft <args>` in `cwd` (never throws: tests look at the exit code). */
export function daft(args: string[], cwd: string, options: { env?: Record<string, string>; node?: string } = {}): Promise<ProcessResult> {
  return runProcess(options.node ?? process.execPath, [CLI, ...args], { cwd, env: childEnv(options.env) });
}

/** `daft <args>`, expected to succeed; returns stdout parsed as JSON. */
export async function daftJson<T>(args: string[], cwd: string): Promise<T> {
  const result = await daft([...args, "--json"], cwd);
  if (result.code !== 0) throw new Error(`daft ${args.join(" ")} exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface RunEvent {
  key: string;
  status: "hit" | "miss" | "no-cache";
  reason?: string;
  detail?: string[];
}

export interface RunOutput {
  summary: string;
  events: RunEvent[];
  hashSource: Record<string, string>;
}

export interface PipelineInputs {
  x?: number;
  count?: number;
  first?: number;
  query?: string;
}

/** `node --import daft/loader run.mjs '<inputs>'` in the copy; returns its report and stderr. */
export async function runPipeline(
  dir: string,
  inputs: PipelineInputs,
  env: Record<string, string> = {},
): Promise<RunOutput & { stderr: string }> {
  const { stdout, stderr } = await runNode(["--import", "daft/loader", "run.mjs", JSON.stringify(inputs)], { cwd: dir, env: childEnv(env) });
  return { ...(JSON.parse(stdout.trim().split("\n").at(-1)!) as RunOutput), stderr };
}

export function eventsByKey(events: RunEvent[]): Record<string, RunEvent> {
  return Object.fromEntries(events.map((event) => [event.key, event]));
}
