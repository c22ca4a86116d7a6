/**
 * Errors the CLI reports as one line, `daft: <message>`, with an exit code: 1 when the command
 * could not do its work (no cache there, a module that fails to load), 2 for bad usage.
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_FAILURE, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** An option value or argument the user has to fix (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}
