/**
 * Whether a run shows progress, where, and how: `Runner({ progress })` turned into settings.
 * "auto" shows it only to a person watching a terminal: a TTY, outside CI, not a dumb terminal.
 */
import { DefinitionError } from "../errors.js";

/** The little of a writable stream the display uses (process.stderr, a tty.WriteStream, …). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface ProgressOptions {
  /** "auto" (default): on a TTY outside CI; true: always (plain lines when not a TTY); false: never. */
  enabled?: boolean | "auto";
  /** Where to draw (default process.stderr, beside the `[CACHE]` summary; stdout stays the program's). */
  stream?: ProgressStream;
  /** Runs that finish sooner print nothing (default 300 ms). */
  showAfterMs?: number;
  /** Redraw at most this often (default 100 ms: ten frames a second). */
  refreshMs?: number;
  /** Leave the final table on screen when the run ends (default true); false erases it. */
  keep?: boolean;
}

/** "auto" (default): on a TTY outside CI; true: always; false: never; or detailed options. */
export type ProgressOption = boolean | "auto" | ProgressOptions;

export interface ProgressSettings {
  /** "live": rows redrawn in place on a terminal; "plain": one line per finished node, for logs. */
  mode: "live" | "plain";
  stream: ProgressStream;
  showAfterMs: number;
  refreshMs: number;
  keep: boolean;
  colour: boolean;
}

export const DEFAULT_SHOW_AFTER_MS = 300;
export const DEFAULT_REFRESH_MS = 100;

/** Checks an option as given to the Runner; throws a DefinitionError saying what is accepted. */
export function checkProgressOption(option: unknown): asserts option is ProgressOption | undefined {
  if (option === undefined || option === true || option === false || option === "auto") return;
  const bad = (what: string) =>
    new DefinitionError(`Runner: progress ${what}. Use "auto" (default), true, false, or { enabled, stream, showAfterMs, refreshMs, keep }`);
  if (typeof option !== "object" || option === null) throw bad(`must be a boolean, "auto" or an options object, got ${JSON.stringify(option)}`);
  const options = option as Record<string, unknown>;
  const known = new Set(["enabled", "stream", "showAfterMs", "refreshMs", "keep"]);
  for (const key of Object.keys(options)) if (!known.has(key)) throw bad(`has an unknown option "${key}"`);
  if (options.enabled !== undefined && options.enabled !== true && options.enabled !== false && options.enabled !== "auto") {
    throw bad(`.enabled must be true, false or "auto", got ${JSON.stringify(options.enabled)}`);
  }
  if (options.stream !== undefined && typeof (options.stream as ProgressStream | null)?.write !== "function") {
    throw bad(".stream must be a writable stream (an object with a write method)");
  }
  for (const key of ["showAfterMs", "refreshMs"]) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (key === "refreshMs" && value === 0))) {
      throw bad(`.${key} must be a ${key === "refreshMs" ? "positive" : "non-negative"} number of milliseconds, got ${String(value)}`);
    }
  }
  if (options.keep !== undefined && typeof options.keep !== "boolean") throw bad(`.keep must be a boolean, got ${JSON.stringify(options.keep)}`);
}

/** CI services set CI (to "true", "1", a name…); "false" and "0" mean it is not CI. */
function inCI(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/** The settings for one run, or undefined when nothing is to be shown. */
export function resolveProgress(option: ProgressOption | undefined, env: NodeJS.ProcessEnv = process.env): ProgressSettings | undefined {
  const options: ProgressOptions = typeof option === "object" ? option : { enabled: option ?? "auto" };
  const enabled = options.enabled ?? "auto";
  if (enabled === false) return undefined;
  const stream = options.stream ?? process.stderr;
  // A dumb terminal cannot move the cursor: redrawing in place would print every frame.
  const terminal = stream.isTTY === true && env.TERM !== "dumb";
  if (enabled === "auto" && (!terminal || inCI(env))) return undefined;
  return {
    mode: terminal ? "live" : "plain",
    stream,
    showAfterMs: options.showAfterMs ?? DEFAULT_SHOW_AFTER_MS,
    refreshMs: options.refreshMs ?? DEFAULT_REFRESH_MS,
    keep: options.keep ?? true,
    // https://no-color.org: present and not empty means no colour.
    colour: terminal && !env.NO_COLOR,
  };
}
