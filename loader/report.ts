/**
 * How the loader speaks: straight to file descriptor 2, synchronously. The hooks thread of
 * `module.register` has no stderr of its own worth the name (its console output is forwarded
 * asynchronously and lost when the process exits first), and the messages are few.
 */
import { writeSync } from "node:fs";

export function writeStderr(message: string): void {
  try {
    writeSync(2, `${message}\n`);
  } catch {
    // stderr closed: nothing sensible to do with a warning
  }
}

/** `DAFT_LOADER_STATS=1` prints the loader's counters at exit (to check that a warm start parses nothing). */
export function statsWanted(): boolean {
  const value = process.env.DAFT_LOADER_STATS;
  return value !== undefined && value !== "" && value !== "0";
}
