/**
 * Reads a node's input names and defaults from `fn.toString()`: the keys of the single
 * destructured object parameter. Used only when no build-time transform injected them.
 */
import { isNativeSource } from "./native-source.js";
import { scan, skipBalanced } from "./scan.js";

export interface ParameterNames {
  inputs: string[];
  defaults: string[];
}

/** Why the names could not be read; the caller turns it into an error that says what to do. */
export class UnreadableParametersError extends Error {
  override name = "UnreadableParametersError";
}

/**
 * The source with comments turned into spaces and literal contents into filler, at the same
 * length, so brackets and commas inside them don't count and indices still match the source.
 */
function blankLiterals(source: string): string {
  return scan(source)
    .map((piece) => {
      if (piece.kind === "code") return piece.text;
      if (piece.kind === "comment") return piece.text.replace(/[^\n]/g, " ");
      if (piece.text.length < 2) return piece.text;
      return piece.text[0] + "_".repeat(piece.text.length - 2) + piece.text[piece.text.length - 1];
    })
    .join("");
}

/** Finds the parameter list text of a function's source: what sits between its first `(`…`)`. */
function parameterListOf(source: string, blanked: string): string | undefined {
  // `x => …` (a single plain identifier) has no parentheses at all.
  const bareArrow = /^\s*(?:async\s+)?[\w$]+\s*=>/.exec(blanked);
  if (bareArrow) return source.slice(0, bareArrow[0].length - 2).replace(/^\s*async\s+/, "");
  const open = blanked.indexOf("(");
  if (open === -1) return undefined;
  const close = skipBalanced(blanked, open);
  return source.slice(open + 1, close - 1);
}

/** Splits `a, b = f(1, 2), c` at top-level commas. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  const blanked = blankLiterals(text);
  let depth = 0;
  let start = 0;
  for (let i = 0; i < blanked.length; i++) {
    const ch = blanked[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Index of the first top-level `=` that is an assignment (not `==`, `=>`, `<=`, `>=`, `!=`). */
function topLevelAssign(text: string): number {
  const blanked = blankLiterals(text);
  let depth = 0;
  for (let i = 0; i < blanked.length; i++) {
    const ch = blanked[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (ch === "=" && depth === 0) {
      const prev = blanked[i - 1];
      const next = blanked[i + 1];
      if (next === "=" || next === ">" || prev === "=" || prev === "!" || prev === "<" || prev === ">") continue;
      return i;
    }
  }
  return -1;
}

function unquote(key: string): string | undefined {
  if (/^[\w$]+$/.test(key)) return key;
  const quoted = /^(["'])(.*)\1$/s.exec(key);
  return quoted ? quoted[2] : undefined;
}

export function readParameterNames(fn: (...args: never[]) => unknown): ParameterNames {
  const entries = readPatternEntries(fn);
  return {
    inputs: entries.map((entry) => entry.key),
    defaults: entries.filter((entry) => entry.defaultSource !== undefined).map((entry) => entry.key),
  };
}

/**
 * The source text of each default in the parameter pattern (`{ offset = 10 }` → offset: "10"),
 * for pictures of a pipeline; throws `UnreadableParametersError` like `readParameterNames`.
 */
export function readDefaultSources(fn: (...args: never[]) => unknown): Map<string, string> {
  const sources = new Map<string, string>();
  for (const entry of readPatternEntries(fn)) if (entry.defaultSource !== undefined) sources.set(entry.key, entry.defaultSource);
  return sources;
}

function readPatternEntries(fn: (...args: never[]) => unknown): { key: string; defaultSource: string | undefined }[] {
  const source = Function.prototype.toString.call(fn);
  if (isNativeSource(source)) {
    throw new UnreadableParametersError("it is a native or bound function, whose source cannot be read");
  }
  const blanked = blankLiterals(source);
  const list = parameterListOf(source, blanked);
  if (list === undefined) throw new UnreadableParametersError("its parameter list could not be found");
  const params = splitTopLevel(list, ",");
  if (params.length === 0) return [];
  if (params.length > 1) {
    throw new UnreadableParametersError(`it takes ${params.length} parameters; a node takes one object parameter`);
  }
  let pattern = params[0]!;
  const wholeDefault = topLevelAssign(pattern);
  if (wholeDefault !== -1) pattern = pattern.slice(0, wholeDefault).trim(); // `({ a } = {})`
  if (!pattern.startsWith("{")) {
    throw new UnreadableParametersError(`its parameter \`${pattern}\` is not a destructured object like ({ a, b })`);
  }
  const body = pattern.slice(1, pattern.lastIndexOf("}"));
  const entries: { key: string; defaultSource: string | undefined }[] = [];
  for (const entry of splitTopLevel(body, ",")) {
    if (entry.startsWith("...")) {
      throw new UnreadableParametersError(`its pattern has a rest element \`${entry}\`, so its inputs are open-ended`);
    }
    const assign = topLevelAssign(entry);
    const target = (assign === -1 ? entry : entry.slice(0, assign)).trim();
    const colon = splitTopLevel(target, ":");
    const key = unquote(colon[0] ?? "");
    if (key === undefined) {
      throw new UnreadableParametersError(`its pattern has a computed or unusual key \`${colon[0]}\``);
    }
    entries.push({ key, defaultSource: assign === -1 ? undefined : entry.slice(assign + 1).trim() });
  }
  return entries;
}
