/**
 * What each element of a picture says, as lines of plain text; the Mermaid and DOT writers
 * escape them and join them with their own line breaks.
 */
import type { CacheStatusClass, PictureFunction, PictureInput, PictureResult } from "./model.js";

export function inputLines(input: PictureInput): string[] {
  if (input.optional) {
    return input.defaults.length > 0 ? [`${input.name} = ${input.defaults.join(" | ")}`] : [input.name, "optional"];
  }
  return input.axis ? [input.name, "map axis"] : [input.name];
}

export function functionLines(fn: PictureFunction): string[] {
  const lines = [fn.name === fn.output ? fn.output : `${fn.name} → ${fn.output}`];
  const tags = [fn.cached ? "cached" : "", fn.mapAxis !== undefined ? `map over ${fn.mapAxis}` : ""].filter(Boolean);
  if (tags.length > 0) lines.push(tags.join(" · "));
  if (fn.statusText !== undefined) lines.push(fn.statusText);
  return lines;
}

export function resultLines(result: PictureResult): string[] {
  return result.mapAxis !== undefined ? [result.output, `one per ${result.mapAxis}`] : [result.output];
}

export const STATUS_LEGEND: Record<CacheStatusClass, string> = {
  hit: "✓ hit",
  partial: "hit + miss",
  miss: "✗ miss",
  nocache: "no cache",
};

/** Fill, border and text colours per status: light fills, so labels stay readable. */
export const STATUS_COLOURS: Record<CacheStatusClass, { fill: string; stroke: string; text: string }> = {
  hit: { fill: "#d3f9d8", stroke: "#2b8a3e", text: "#1b4332" },
  partial: { fill: "#fff3bf", stroke: "#e67700", text: "#5c3c00" },
  miss: { fill: "#ffe3e3", stroke: "#c92a2a", text: "#5c1111" },
  nocache: { fill: "#e9ecef", stroke: "#868e96", text: "#343a40" },
};
