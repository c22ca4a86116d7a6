/**
 * The default values of optional run inputs, as written in the functions' parameter patterns
 * (`{ offset = 10 }` → "10"), so a picture can show what a run gets when it leaves them out.
 */
import { readDefaultSources } from "../runtime-source/parameters.js";

const MAX_LABEL = 32;

/** Default source texts by input name; empty when the function's source cannot be read. */
export function defaultSourcesOf(fn: Function): Map<string, string> {
  try {
    return readDefaultSources(fn as (...args: never[]) => unknown);
  } catch {
    // Input names then came from `inputs: [...]` or the build info: the picture says "optional".
    return new Map();
  }
}

/** One line, at most MAX_LABEL characters: a long default would swamp the picture. */
export function defaultLabel(source: string): string {
  const line = source.replace(/\s+/g, " ").trim();
  const characters = [...line]; // code points: never cut a surrogate pair in half
  return characters.length <= MAX_LABEL ? line : `${characters.slice(0, MAX_LABEL - 1).join("")}…`;
}
