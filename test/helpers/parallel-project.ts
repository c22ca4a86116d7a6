/**
 * The `parallel-project` fixture for the threads and distributed tests: a copy in a temp folder,
 * its run script as a child process (`node --import daft/loader run.mjs '<options>'`), and real
 * `daft worker` processes from the built CLI.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFixture, type FixtureCopy } from "./fixture.js";
import { childEnv, CLI } from "./cli.js";
import { runProcess } from "./node-process.js";

export interface RunReport {
  seconds?: number;
  out?: Record<string, unknown>;
  error?: { name: string; message: string; item?: number; node?: string; input?: string; cause?: { name: string; message: string; stack: string } };
  stats: { hits: number; misses: number; events: { key: string; status: string; worker?: string }[] };
}

export function copyParallelProject(): FixtureCopy {
  return copyFixture("parallel-project");
}

/** Runs `run.mjs` with these options; resolves to its report (and stderr), whatever its exit code. */
export async function runParallel(
  dir: string,
  options: Record<string, unknown>,
  extra: { env?: Record<string, string>; node?: string; timeoutMs?: number } = {},
): Promise<RunReport & { stderr: string; code: number | null }> {
  const result = await runProcess(extra.node ?? process.execPath, ["--import", "daft/loader", "run.mjs", JSON.stringify(options)], {
    cwd: dir,
    env: childEnv(extra.env),
    timeoutMs: extra.timeoutMs ?? 90_000,
  });
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  let report: RunReport;
  try {
    report = JSON.parse(last) as RunReport;
  } catch {
    throw new Error(`run.mjs printed no report (exit ${result.code ?? result.signal})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return { ...report, stderr: result.stderr, code: result.code };
}

export interface WorkerProcess {
  child: ChildProcess;
  name: string;
  output(): string;
  /** SIGTERM (a clean stop), waiting for the exit. */
  stop(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const started = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of started) child.kill("SIGKILL");
});

/** `daft worker <modules> --redis <url> …` in `dir`, resolved once it says it is serving. */
export async function startDaftWorker(dir: string, modules: string[], args: string[], env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, "worker", ...modules, ...args], { cwd: dir, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  started.add(child);
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => (started.delete(child), resolve())));
  const name = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daft worker did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /daft worker (\S+): serving/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`daft worker exited (${code}) before serving:\n${output}`));
    });
  });
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, name, output: () => output, stop: () => kill("SIGTERM"), kill };
}
