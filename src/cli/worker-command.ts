/**
 * `daft worker <modules…> --redis URL [--queue daft] [--concurrency N]`: serves the cached nodes
 * of the modules to runners in mode "distributed" until SIGINT or SIGTERM, then finishes the
 * jobs it holds and leaves.
 */
import { startWorker } from "../runner/distributed/worker.js";
import { CliError } from "./errors.js";
import { importUserModule } from "./import-module.js";

export interface WorkerCommandOptions {
  redis: string;
  queue: string;
  concurrency: string;
  lockDuration: string;
  name?: string;
}

function wholeNumber(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new CliError(`${option} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`, 2);
  return value;
}

export async function workerCommand(modules: string[], options: WorkerCommandOptions): Promise<void> {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(options.queue)) throw new CliError(`--queue must be 1 to 100 letters, digits, "_", "." or "-", got ${JSON.stringify(options.queue)}`, 2);
  let worker;
  try {
    worker = await startWorker({
      modules,
      redis: options.redis,
      queue: options.queue,
      concurrency: wholeNumber("--concurrency", options.concurrency, 1),
      lockDurationMs: wholeNumber("--lock-duration", options.lockDuration, 500),
      name: options.name,
      importModule: (path) => importUserModule(path),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error)?.message ?? String(error), 1, { cause: error });
  }
  const { description } = worker;
  process.stderr.write(
    `daft worker ${description.name}: serving ${description.nodes.length} node${description.nodes.length === 1 ? "" : "s"} ` +
      `(${description.nodes.map((node) => `${node.file}#${node.output}`).join(", ")}) on queue "${options.queue}" at ${options.redis.replace(/\/\/([^@/]*)@/, "//***@")}, ` +
      `concurrency ${description.concurrency}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`daft worker ${description.name}: ${signal}, finishing the jobs in hand\n`);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await worker.close();
}
