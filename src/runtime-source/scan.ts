/**
 * A small JavaScript scanner for `fn.toString()` text. It knows just enough of the grammar to
 * tell code from comments, strings, template literals and regular expressions, which is all
 * the runtime needs to read a parameter list and to normalise source when no build-time
 * transform has run. It never evaluates anything.
 */

export type Piece =
  | { kind: "code"; text: string }
  | { kind: "string"; text: string }
  | { kind: "template"; text: string }
  | { kind: "regex"; text: string }
  | { kind: "comment"; text: string };

/** Keywords after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORDS = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do",
  "else", "yield", "await",
]);

/** Characters of identifiers, keywords and numbers: ASCII word characters, `$`, escapes (`\u0061`) and any non-ASCII letter. */
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && (/[\w$\\]/.test(ch) || (ch > "\x7f" && !/\s/.test(ch)));

/** Splits source into code, comment and literal pieces; concatenated, they give back the source. */
export function scan(source: string): Piece[] {
  const pieces: Piece[] = [];
  let code = "";
  let i = 0;
  const flushCode = () => {
    if (code) pieces.push({ kind: "code", text: code });
    code = "";
  };
  const regexAllowed = (): boolean => {
    const trimmed = code.trimEnd();
    const last = trimmed[trimmed.length - 1];
    if (last === undefined) {
      // At the very start: a regex. Right after a literal: a division. After a comment: look further back.
      const prev = pieces.findLast((piece) => piece.kind !== "comment");
      if (prev === undefined) return true;
      if (prev.kind !== "code") return false;
      const text = prev.text.trimEnd();
      const ch = text[text.length - 1];
      return ch === undefined || (!isWordChar(ch) && !")]}".includes(ch));
    }
    if (isWordChar(last)) {
      const word = /[\w$]+$/.exec(trimmed)?.[0] ?? "";
      return REGEX_AFTER_WORDS.has(word);
    }
    return !")]}".includes(last);
  };
  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    if (ch === "/" && (next === "/" || next === "*")) {
      const lineEnd = source.indexOf("\n", i);
      const blockEnd = source.indexOf("*/", i + 2);
      const end = next === "/" ? (lineEnd === -1 ? source.length : lineEnd) : blockEnd === -1 ? source.length : blockEnd + 2;
      flushCode();
      pieces.push({ kind: "comment", text: source.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = skipQuoted(source, i, ch);
      flushCode();
      pieces.push({ kind: "string", text: source.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === "`") {
      const end = skipTemplate(source, i);
      flushCode();
      pieces.push({ kind: "template", text: source.slice(i, end) });
      i = end;
      continue;
    }
    if (ch === "/" && regexAllowed()) {
      const end = skipRegex(source, i);
      flushCode();
      pieces.push({ kind: "regex", text: source.slice(i, end) });
      i = end;
      continue;
    }
    code += ch;
    i++;
  }
  flushCode();
  return pieces;
}

function skipQuoted(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === "\\" ? 2 : 1;
  return Math.min(i + 1, source.length);
}

/** Skips a template literal, including `${…}` substitutions that may nest further templates. */
function skipTemplate(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\\") {
      i += 2;
    } else if (ch === "`") {
      return i + 1;
    } else if (ch === "$" && source[i + 1] === "{") {
      i = skipBalanced(source, i + 1);
    } else {
      i++;
    }
  }
  return source.length;
}

/** From an opening `{`, `(` or `[`, returns the index just past its matching closer. */
export function skipBalanced(source: string, open: number): number {
  const closers: string[] = [];
  let i = open;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "{" || ch === "(" || ch === "[") {
      closers.push(ch === "{" ? "}" : ch === "(" ? ")" : "]");
      i++;
    } else if (ch === "}" || ch === ")" || ch === "]") {
      closers.pop();
      i++;
      if (closers.length === 0) return i;
    } else if (ch === '"' || ch === "'") {
      i = skipQuoted(source, i, ch);
    } else if (ch === "`") {
      i = skipTemplate(source, i);
    } else if (ch === "/" && source[i + 1] === "/") {
      const end = source.indexOf("\n", i);
      i = end === -1 ? source.length : end;
    } else if (ch === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
    } else {
      i++;
    }
  }
  return source.length;
}

function skipRegex(source: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === "\n") return i; // not a regex after all; stop at the line end
    if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
    } else if (ch === "/") {
      i++;
      while (i < source.length && isWordChar(source[i])) i++; // flags
      return i;
    }
    i++;
  }
  return source.length;
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;
/** Words after which a line break ends the statement (`return⏎ x` returns undefined): JavaScript's restricted productions. */
const LINE_BREAK_ENDS = new Set(["return", "throw", "break", "continue", "yield", "async"]);

/**
 * Source with comments removed and whitespace reduced to what carries meaning, so that
 * reformatting or commenting a function does not change its runtime code hash, while two sources
 * that mean different things never normalise alike:
 * - a space stays where removing it would join two tokens (`return x`, `a + +b`, `1 .e5`);
 * - a line break (or a comment holding one) stays where JavaScript gives it meaning: after
 *   `return`, `throw`, `break`, `continue`, `yield` and `async` when something follows on the
 *   next line, and before `++`/`--` (`a⏎++b` is `a; ++b`). Elsewhere a line break only ends a
 *   statement that could not go on anyway (automatic semicolon insertion), so dropping it loses
 *   nothing. Sources using HTML-like comments (`<!--`, only comments in scripts) keep every line break.
 */
export function normaliseSource(source: string): string {
  const pieces = scan(source);
  const keepLineBreaks = pieces.some((piece) => piece.kind === "code" && piece.text.includes("<!--"));
  let out = "";
  /** Where the output of the current run of whitespace and comments starts; -1 outside one. */
  let gapStart = -1;
  let gapHasLineBreak = false;
  const endGap = (next: string | undefined) => {
    if (gapStart < 0) return;
    if (gapHasLineBreak && (keepLineBreaks || lineBreakMatters(out.slice(0, gapStart), next))) out = out.slice(0, gapStart) + "\n";
    gapStart = -1;
    gapHasLineBreak = false;
  };
  for (const piece of pieces) {
    if (piece.kind === "comment") {
      if (gapStart < 0) gapStart = out.length;
      if (LINE_BREAK.test(piece.text)) gapHasLineBreak = true;
      out += " ";
      continue;
    }
    if (piece.kind !== "code") {
      endGap(piece.text);
      out += piece.text;
      continue;
    }
    const text = piece.text;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (!/\s/.test(ch)) {
        if (gapStart >= 0) endGap(text.slice(i, i + 2));
        out += ch;
        continue;
      }
      if (gapStart < 0) gapStart = out.length;
      if (LINE_BREAK.test(ch)) gapHasLineBreak = true;
      while (i + 1 < text.length && /\s/.test(text[i + 1]!)) {
        i++;
        if (LINE_BREAK.test(text[i]!)) gapHasLineBreak = true;
      }
      const before = out[out.length - 1];
      const after = text[i + 1];
      // Keep one space only where removing it would join two tokens: `return x`, `a + +b`, `1 .e5`.
      if ((isWordChar(before) && isWordChar(after)) || (before === after && (before === "+" || before === "-")) || (after === "." && endsWithNumber(out))) {
        out += " ";
      }
    }
  }
  endGap(undefined);
  return out;
}

/** Whether a line break between `before` (the output so far) and `next` (what follows) changes the meaning. */
function lineBreakMatters(before: string, next: string | undefined): boolean {
  if (next === undefined) return false;
  if (next.startsWith("++") || next.startsWith("--")) return true;
  const word = /[\w$]+$/.exec(before);
  if (word === null || !LINE_BREAK_ENDS.has(word[0]) || before[word.index - 1] === "." || isWordChar(before[word.index - 1])) return false;
  // Nothing can continue the statement before these, so the line break changes nothing there.
  return !";})]".includes(next[0]!);
}

/** Whether the output ends with a number literal (`1 .e5` is a property read, `1.e5` a number). */
function endsWithNumber(out: string): boolean {
  let at = out.length;
  while (at > 0 && isWordChar(out[at - 1])) at--;
  return at < out.length && /[0-9]/.test(out[at]!);
}
