/**
 * Runs real child processes (`node …`) and collects their output; used by every test that
 * checks behaviour across processes: the loader, the disk cache, the CLI.
 */
import { spawn, type SpawnOptions } from "node:child_process";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runProcess(
  command: string,
  args: string[],
  options: SpawnOptions & { input?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 50_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin!.end(options.input ?? "");
  });
}

/** Runs `node` (this one, or another binary) and throws with its output if it fails. */
export async function runNode(
  args: string[],
  options: SpawnOptions & { node?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const result = await runProcess(options.node ?? process.execPath, args, options);
  if (result.code !== 0) {
    throw new Error(
      `node ${args.join(" ")} exited with ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}
