/**
 * The live progress display of a run: on a terminal, one row per node (pending, running, done,
 * cached) with item counts, hits and time, redrawn in place; for runs that finish within
 * `showAfterMs`, nothing. Off where nobody watches (not a TTY, or in CI) unless forced.
 */
import type { Pipeline } from "../pipeline.js";
import type { RunObserver } from "../runner/observer.js";
import { LiveDisplay } from "./live.js";
import { PlainDisplay } from "./plain.js";
import { resolveProgress, type ProgressOption } from "./settings.js";

export { checkProgressOption, type ProgressOption, type ProgressOptions, type ProgressStream } from "./settings.js";

/** A fresh display for one run, or undefined when this run shows no progress. */
export function createProgressObserver(option: ProgressOption, _pipeline?: Pipeline): RunObserver | undefined {
  const settings = resolveProgress(option);
  if (!settings) return undefined;
  return settings.mode === "live" ? new LiveDisplay(settings) : new PlainDisplay(settings);
}
