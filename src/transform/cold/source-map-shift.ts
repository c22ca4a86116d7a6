/**
 * Keeps a compiler's inline source map right after daft inserts text into the compiled code.
 *
 * Compilers such as tsx put a whole module on few lines and append an inline source map that
 * Node uses for stack traces. Inserting the build info moves every later column of that line;
 * without an update, a frame after the insertion would map to the wrong original line. Only the
 * generated columns of the touched lines change, so this rewrites just those VLQ fields and
 * leaves every other mapping as the compiler wrote it.
 */
import type { Insertion } from "../inject.js";

const MARKER = "sourceMappingURL=data:application/json";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Map([...BASE64].map((char, index) => [char, index]));

/**
 * `output` is `original` with `insertions` (sorted, offsets into `original`) applied. Returns
 * `output` with its inline source map (if any) shifted to match.
 */
export function shiftInlineSourceMap(output: string, original: string, insertions: readonly Insertion[]): string {
  const marker = output.lastIndexOf(MARKER);
  if (marker === -1 || insertions.length === 0) return output;
  const comma = output.indexOf(",", marker);
  if (comma === -1 || !output.slice(marker + MARKER.length, comma).endsWith(";base64")) return output;
  let end = comma + 1;
  while (end < output.length && BASE64_VALUE.has(output[end]!)) end++;
  while (output[end] === "=") end++;
  let map: { mappings?: unknown };
  try {
    map = JSON.parse(Buffer.from(output.slice(comma + 1, end), "base64").toString("utf8")) as { mappings?: unknown };
  } catch {
    return output; // not a map we can read: leave it as the compiler wrote it
  }
  if (typeof map.mappings !== "string") return output;
  map.mappings = shiftMappings(map.mappings, columnShifts(original, insertions));
  return output.slice(0, comma + 1) + Buffer.from(JSON.stringify(map), "utf8").toString("base64") + output.slice(end);
}

/** Per generated line (0-based): the insertions on it as `[column, length]`, in column order. */
function columnShifts(original: string, insertions: readonly Insertion[]): Map<number, Array<[number, number]>> {
  const shifts = new Map<number, Array<[number, number]>>();
  let line = 0;
  let lineStart = 0;
  for (const [offset, text] of insertions) {
    for (let newline = original.indexOf("\n", lineStart); newline !== -1 && newline < offset; newline = original.indexOf("\n", lineStart)) {
      line++;
      lineStart = newline + 1;
    }
    const list = shifts.get(line) ?? [];
    list.push([offset - lineStart, text.length]);
    shifts.set(line, list);
  }
  return shifts;
}

function shiftMappings(mappings: string, shifts: Map<number, Array<[number, number]>>): string {
  const lines = mappings.split(";");
  for (const [line, inserts] of shifts) {
    const text = lines[line];
    if (!text) continue;
    let previousOld = 0;
    let previousNew = 0;
    lines[line] = text
      .split(",")
      .map((segment) => {
        if (segment === "") return segment;
        const [delta, rest] = decodeFirst(segment);
        const column = previousOld + delta;
        let moved = column;
        for (const [at, length] of inserts) if (at <= column) moved += length;
        const encoded = encodeVlq(moved - previousNew);
        previousOld = column;
        previousNew = moved;
        return encoded + segment.slice(rest);
      })
      .join(",");
  }
  return lines.join(";");
}

/** The first VLQ value of a segment and the index just after it. */
function decodeFirst(segment: string): [number, number] {
  let value = 0;
  let shift = 0;
  let index = 0;
  for (;;) {
    const digit = BASE64_VALUE.get(segment[index++]!) ?? 0;
    value += (digit & 31) << shift;
    if ((digit & 32) === 0 || index >= segment.length) break;
    shift += 5;
  }
  const negative = value & 1;
  value >>>= 1;
  return [negative ? -value : value, index];
}

function encodeVlq(number: number): string {
  let value = number < 0 ? (-number << 1) | 1 : number << 1;
  let out = "";
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    out += BASE64[digit];
  } while (value > 0);
  return out;
}
