/**
 * Mermaid flowchart text of a picture model. Shapes: run inputs are stadiums (dashed when
 * optional), functions are boxes (double-sided when cached), final results are parallelograms.
 */
import { STATUS_COLOURS, STATUS_LEGEND, functionLines, inputLines, resultLines } from "./labels.js";
import type { EdgeKind, PictureModel } from "./model.js";

/**
 * Mermaid reads `#name;` as an HTML entity, and quotes, angle brackets and backticks have
 * meanings of their own inside labels, so each becomes an entity.
 */
const ENTITIES: Record<string, string> = {
  "#": "#35;",
  '"': "#quot;",
  "<": "#lt;",
  ">": "#gt;",
  "&": "#amp;",
  "`": "#96;",
};

function text(lines: string[]): string {
  return lines.map((line) => line.replace(/[\r\n]+/g, " ").replace(/[#"<>&`]/g, (ch) => ENTITIES[ch]!)).join("<br/>");
}

const ARROWS: Record<EdgeKind, string> = { plain: "-->", map: "-->|map|", reduce: "-.->|reduce|" };

export function writeMermaid(model: PictureModel, direction: "TB" | "LR"): string {
  const lines = [`flowchart ${direction}`];
  for (const input of model.inputs) {
    lines.push(`  ${input.id}(["${text(inputLines(input))}"])${input.optional ? ":::optional" : ""}`);
  }
  for (const fn of model.functions) {
    const label = `"${text(functionLines(fn))}"`;
    lines.push(`  ${fn.id}${fn.cached ? `[[${label}]]` : `[${label}]`}${fn.status ? `:::${fn.status}` : ""}`);
  }
  for (const result of model.results) lines.push(`  ${result.id}[/"${text(resultLines(result))}"/]`);
  for (const edge of model.edges) lines.push(`  ${edge.from} ${ARROWS[edge.kind]} ${edge.to}`);
  if (model.inputs.some((input) => input.optional)) lines.push("  classDef optional stroke-dasharray:5 5");
  if (model.statuses.length > 0) {
    // No `;` after the colours: Mermaid would read `#2b8a3e;` as an entity.
    for (const status of model.statuses) {
      const colour = STATUS_COLOURS[status];
      lines.push(`  classDef ${status} fill:${colour.fill},stroke:${colour.stroke},color:${colour.text}`);
    }
    lines.push(`  subgraph legend["cache"]`);
    for (const status of model.statuses) lines.push(`    legend_${status}["${text([STATUS_LEGEND[status]])}"]:::${status}`);
    lines.push("  end");
  }
  return lines.join("\n") + "\n";
}
