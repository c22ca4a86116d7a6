#!/usr/bin/env node
/**
 * The `daft` executable. Errors are one line, `daft: <message>`, with exit code 1 (the command
 * failed) or 2 (bad usage); `DEBUG=daft:*` adds stack traces and the components' logs.
 */
import { CommanderError } from "commander";
import { anyDaftDebug, debugCli } from "../debug/index.js";
import { EXIT_FAILURE, EXIT_USAGE, CliError } from "./errors.js";
import { buildProgram, type Outcome } from "./program.js";

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed the message (or the help, or the version).
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`daft: ${message}\n`);
  if (anyDaftDebug() && error instanceof Error && error.stack) {
    const cause = error.cause instanceof Error && error.cause.stack ? `\nCaused by: ${error.cause.stack}` : "";
    process.stderr.write(`${error.stack}${cause}\n`);
  } else if (!(error instanceof CliError)) {
    process.stderr.write("(DEBUG=daft:* shows the stack trace)\n");
  }
  return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
}

const outcome: Outcome = { exitCode: 0 };
try {
  if (debugCli.enabled) debugCli(`argv ${JSON.stringify(process.argv.slice(2))}`);
  await buildProgram(outcome).parseAsync(process.argv);
} catch (error) {
  outcome.exitCode = report(error);
  outcome.exitNow = true;
}
if (outcome.exitNow) process.exit(outcome.exitCode);
process.exitCode = outcome.exitCode;
