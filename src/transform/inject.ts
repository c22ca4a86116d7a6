/**
 * Writing the build info into the code: `func(options, fn)` becomes
 * `func(options, fn, {"v":1,…})` on the same line, so every line and column before the
 * insertion is unchanged and the source map is nearly the identity.
 */
import { createRequire } from "node:module";
import { basename } from "node:path";
import type MagicStringClass from "magic-string";
import type { SourceMap } from "magic-string";
import type { BuildInfo } from "../build-info.js";

/** Where to insert, and what: `[offset, text]`. Made from data each time, never stored. */
export type Insertion = [offset: number, text: string];

/** Where a call's build info goes: the end of its last argument, and its closing parenthesis. */
export interface CallPosition {
  argsEnd: number;
  close: number;
}

/** The object literal, with a fixed key order so equal build info gives equal output. */
export function buildInfoLiteral(info: BuildInfo): string {
  const ordered: Record<string, unknown> = { v: info.v, codeHash: info.codeHash };
  ordered.depsHashes = info.depsHashes;
  if (info.inputs !== undefined) ordered.inputs = info.inputs;
  if (info.defaults !== undefined) ordered.defaults = info.defaults;
  ordered.file = info.file;
  if (info.depsFiles !== undefined) ordered.depsFiles = info.depsFiles;
  // JSON is valid JavaScript (ES2019+), and JSON.stringify never emits a line break.
  return JSON.stringify(ordered);
}

/**
 * The insertions for calls at `positions` (one build info each), or undefined when a position
 * does not fit `code`: a closing parenthesis must be at `close` (each call its own), with
 * `argsEnd` before it. Positions a cold transform found always fit; this is what keeps a
 * position read from a cache file from putting build info anywhere else.
 *
 * Each goes after the last argument's trailing comma if it has one (`func(a, b,)` →
 * `func(a, b, {…})`), else just before the closing parenthesis, which also steps over
 * parentheses around the last argument and comments after it.
 */
export function insertionsFor(code: string, positions: readonly CallPosition[], infos: readonly BuildInfo[]): Insertion[] | undefined {
  if (positions.length !== infos.length) return undefined;
  const closes = new Set<number>();
  const insertions: Insertion[] = [];
  for (const [index, { argsEnd, close }] of positions.entries()) {
    if (!(close < code.length) || code.charCodeAt(close) !== 0x29 /* ) */ || !(argsEnd <= close) || closes.has(close)) return undefined;
    closes.add(close);
    const comma = trailingComma(code, argsEnd, close);
    const literal = buildInfoLiteral(infos[index]!);
    insertions.push(comma === undefined ? [close, `, ${literal}`] : [comma + 1, ` ${literal}`]);
  }
  return insertions;
}

/** Position of a `,` between `from` and `to` that is not inside a comment. */
function trailingComma(code: string, from: number, to: number): number | undefined {
  let i = from;
  while (i < to) {
    const ch = code.charCodeAt(i);
    if (ch === 0x2c /* , */) return i;
    if (ch === 0x2f /* / */ && code.charCodeAt(i + 1) === 0x2f) {
      const end = code.indexOf("\n", i);
      i = end === -1 ? to : end + 1;
      continue;
    }
    if (ch === 0x2f && code.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = code.indexOf("*/", i + 2);
      i = end === -1 ? to : end + 2;
      continue;
    }
    i++;
  }
  return undefined;
}

export interface InjectedCode {
  code: string;
  /** A source map of the original file (a segment at every word boundary), generated on first access. */
  readonly map: SourceMap;
}

let MagicString: typeof MagicStringClass | undefined;

/** magic-string is only needed when a source map is asked for (loaded on first use, ~5 ms). */
function magicString(code: string): MagicStringClass {
  MagicString ??= (createRequire(import.meta.url)("magic-string") as { default: typeof MagicStringClass }).default;
  return new MagicString(code);
}

/**
 * The output code is spliced directly (a warm start in the Node loader never needs more); the
 * source map is made with magic-string on first access.
 */
export function applyInsertions(code: string, insertions: readonly Insertion[], file: string): InjectedCode {
  const { output, sorted } = spliceInsertions(code, insertions);
  return injectedCode(code, output, sorted, file);
}

/**
 * `output` (`code` with the `sorted` insertions made, perhaps adjusted further, e.g. an inline
 * source map shifted) and the source map of the insertions, made on first access.
 */
export function injectedCode(code: string, output: string, sorted: readonly Insertion[], file: string): InjectedCode {
  let map: SourceMap | undefined;
  return {
    code: output,
    get map(): SourceMap {
      if (!map) {
        const magic = magicString(code);
        for (const [offset, text] of sorted) magic.appendLeft(offset, text);
        // Sources are named relative to the generated file (which sits where the original does),
        // so the map does not depend on where the project lives.
        const name = basename(file);
        map = magic.generateMap({ hires: "boundary", source: name, file: name, includeContent: true });
      }
      return map;
    },
  };
}

/** `code` with every insertion made, and the insertions in offset order. */
export function spliceInsertions(code: string, insertions: readonly Insertion[]): { output: string; sorted: Insertion[] } {
  const sorted = [...insertions].sort((a, b) => a[0] - b[0]);
  let output = "";
  let from = 0;
  for (const [offset, text] of sorted) {
    output += code.slice(from, offset) + text;
    from = offset;
  }
  return { output: output + code.slice(from), sorted };
}
