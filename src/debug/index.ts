/**
 * `DEBUG=daft:*` logging to stderr, in the convention of the `debug` package: `DEBUG` is a list
 * of namespace patterns separated by commas or spaces, `*` matches anything, a leading `-`
 * excludes (`DEBUG=daft:*,-daft:loader`).
 *
 * Hand-written rather than a dependency because the loader needs it too, and on Node 20 the
 * loader's hooks run on Node's hooks thread, where `process.stderr` is forwarded to the main
 * thread asynchronously and lost when the process exits first: every line here is written
 * synchronously to file descriptor 2 instead. The matching rules are a dozen lines.
 *
 * Cost when off: `DEBUG` is read once, when this module loads; a logger whose namespace is not
 * enabled is a shared no-op with `enabled === false`, and call sites on hot paths test
 * `log.enabled` before building their message.
 */
import { writeSync } from "node:fs";

export interface DebugLogger {
  /** Writes one line `<namespace> <message> +<ms since this namespace's previous line>` to stderr. */
  (message: string, ...details: unknown[]): void;
  readonly enabled: boolean;
  readonly namespace: string;
}

interface Patterns {
  include: RegExp[];
  exclude: RegExp[];
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[|\\{}()[\]^$+?.]/g, "\\$&").replace(/\*/g, ".*?");
  return new RegExp(`^${escaped}$`);
}

export function parseDebugPatterns(value: string | undefined): Patterns {
  const patterns: Patterns = { include: [], exclude: [] };
  for (const part of (value ?? "").split(/[\s,]+/)) {
    if (part === "") continue;
    if (part.startsWith("-")) patterns.exclude.push(patternToRegExp(part.slice(1)));
    else patterns.include.push(patternToRegExp(part));
  }
  return patterns;
}

export function namespaceEnabled(namespace: string, patterns: Patterns): boolean {
  if (patterns.exclude.some((pattern) => pattern.test(namespace))) return false;
  return patterns.include.some((pattern) => pattern.test(namespace));
}

// Read once per process: by whichever copy of this module loads first (the runtime's bundle, the
// loader's, or the transform the runtime loads later on demand); the others use the same value.
const DEBUG_READ = Symbol.for("daft.debugEnvironment");
const fromEnvironment = parseDebugPatterns(((globalThis as Record<symbol, unknown>)[DEBUG_READ] ??= process.env.DEBUG ?? "") as string);

function writeLine(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // stderr closed: a debug line is not worth failing for
  }
}

/** A logger for `namespace` (e.g. "daft:runner"), live only when `DEBUG` enables it. */
export function createDebug(namespace: string, patterns: Patterns = fromEnvironment): DebugLogger {
  if (!namespaceEnabled(namespace, patterns)) return Object.assign(() => {}, { enabled: false, namespace });
  let previous: number | undefined;
  const log = (message: string, ...details: unknown[]): void => {
    const now = performance.now();
    const elapsed = previous === undefined ? 0 : Math.round(now - previous);
    previous = now;
    // node:util only when a line has details to format: the loader imports this module at start-up.
    const text = details.length > 0 ? process.getBuiltinModule("node:util").formatWithOptions({ depth: 4, breakLength: Infinity }, message, ...details) : message;
    writeLine(`${namespace} ${text} +${elapsed}ms`);
  };
  return Object.assign(log, { enabled: true, namespace });
}

/** Whether any daft namespace is enabled (the CLI then prints stack traces). */
export function anyDaftDebug(patterns: Patterns = fromEnvironment): boolean {
  return ["daft:cli", "daft:runner", "daft:cache", "daft:transform", "daft:loader"].some((namespace) => namespaceEnabled(namespace, patterns));
}

/** One logger per component; created once, at module load. */
export const debugRunner = createDebug("daft:runner");
export const debugCache = createDebug("daft:cache");
export const debugTransform = createDebug("daft:transform");
export const debugLoader = createDebug("daft:loader");
export const debugCli = createDebug("daft:cli");
