/**
 * The live progress display of a run. Off unless a terminal is attached (see `progressEnabled`).
 */
import type { Pipeline } from "../pipeline.js";
import type { RunObserver } from "../runner/observer.js";

/** "auto": on for a TTY outside CI; true: always; false: never. */
export type ProgressOption = boolean | "auto";

export function createProgressObserver(option: ProgressOption, _pipeline: Pipeline): RunObserver | undefined {
  if (option === false) return undefined;
  return undefined;
}
