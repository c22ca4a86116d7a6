/**
 * Names read from a cache (node names, item keys, input names, file paths) shown in a terminal.
 * An item key is user data: an ANSI escape in it would recolour or rewrite the screen, a newline
 * would forge lines of the report, a bidirectional override would reorder what is shown. Such
 * characters are written as escapes (`\x1b`, `\n`, `\u202e`); everything else is shown as is.
 * JSON output is left exact: JSON.stringify escapes control characters by itself.
 */

/** C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => NAMED[char] ?? escapeCode(char.charCodeAt(0)));
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Names for a one-line message: sorted, escaped, the first `shown` of them and how many in all. */
export function nameList(names: Iterable<string>, shown = 20): string {
  const sorted = [...new Set(names)].sort();
  return sorted.slice(0, shown).map(printable).join(", ") + (sorted.length > shown ? `, … (${sorted.length} in all)` : "");
}
