/**
 * Graphviz DOT text of a picture model, with the same shapes as the Mermaid picture: run inputs
 * are ellipses (dashed when optional), functions boxes (double border when cached), final
 * results parallelograms.
 */
import { STATUS_COLOURS, STATUS_LEGEND, functionLines, inputLines, resultLines } from "./labels.js";
import type { CacheStatusClass, EdgeKind, PictureModel } from "./model.js";

/** A DOT string literal: backslashes and quotes escaped, lines joined with DOT's `\n`. */
function quoted(lines: string[]): string {
  return `"${lines.map((line) => line.replace(/[\r\n]+/g, " ").replace(/[\\"]/g, (ch) => `\\${ch}`)).join("\\n")}"`;
}

function attributes(pairs: [string, string | undefined][]): string {
  return pairs
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(", ");
}

function statusAttributes(status: CacheStatusClass | undefined): [string, string | undefined][] {
  if (!status) return [];
  const colour = STATUS_COLOURS[status];
  return [
    ["style", "filled"],
    ["fillcolor", `"${colour.fill}"`],
    ["color", `"${colour.stroke}"`],
    ["fontcolor", `"${colour.text}"`],
  ];
}

const EDGE_ATTRIBUTES: Record<EdgeKind, string> = { plain: "", map: ` [label="map", style=bold]`, reduce: ` [label="reduce", style=dashed]` };

const FONT = `"Helvetica,Arial,sans-serif"`;

export function writeDot(model: PictureModel, direction: "TB" | "LR"): string {
  const lines = [
    "digraph pipeline {",
    `  graph [rankdir=${direction}, fontname=${FONT}];`,
    // Extra margin: without system fonts, Graphviz estimates text widths and can run tight.
    `  node [fontname=${FONT}, fontsize=11, margin="0.2,0.08"];`,
    `  edge [fontname=${FONT}, fontsize=9];`,
  ];
  for (const input of model.inputs) {
    const style = input.optional ? "dashed" : undefined;
    lines.push(`  "${input.id}" [${attributes([["label", quoted(inputLines(input))], ["shape", "ellipse"], ["style", style]])}];`);
  }
  for (const fn of model.functions) {
    const pairs: [string, string | undefined][] = [
      ["label", quoted(functionLines(fn))],
      ["shape", "box"],
      ["peripheries", fn.cached ? "2" : undefined],
      ...statusAttributes(fn.status),
    ];
    lines.push(`  "${fn.id}" [${attributes(pairs)}];`);
  }
  for (const result of model.results) {
    lines.push(`  "${result.id}" [${attributes([["label", quoted(resultLines(result))], ["shape", "parallelogram"]])}];`);
  }
  for (const edge of model.edges) lines.push(`  "${edge.from}" -> "${edge.to}"${EDGE_ATTRIBUTES[edge.kind]};`);
  if (model.statuses.length > 0) {
    lines.push("  subgraph cluster_legend {", `    label="cache";`, "    fontsize=9;", `    color="#adb5bd";`);
    for (const status of model.statuses) {
      const pairs: [string, string | undefined][] = [["label", quoted([STATUS_LEGEND[status]])], ["shape", "box"], ...statusAttributes(status)];
      lines.push(`    "legend_${status}" [${attributes(pairs)}];`);
    }
    lines.push("  }");
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
