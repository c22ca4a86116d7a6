/**
 * Pictures of a pipeline: Mermaid and DOT text, deterministic for a given pipeline.
 */
import type { Pipeline } from "../pipeline.js";
import type { CacheStats } from "../runner/stats.js";

export interface PictureOptions {
  /** Colour nodes by what a run did (hit, miss, no-cache). */
  stats?: CacheStats;
}

const id = (kind: string, name: string) => `${kind}_${name.replace(/[^\w]/g, "_")}`;

export function pipelineToMermaid(pipeline: Pipeline, _options: PictureOptions = {}): string {
  const lines = ["flowchart TD"];
  for (const name of pipeline.externalInputs()) lines.push(`  ${id("in", name)}(["${name}"])`);
  for (const node of pipeline.nodes) lines.push(`  ${id("fn", node.output)}["${node.name} → ${node.output}"]`);
  for (const node of pipeline.nodes) {
    for (const input of node.meta.inputs) {
      const from = pipeline.producers.get(input);
      lines.push(`  ${from ? id("fn", from.output) : id("in", input)} --> ${id("fn", node.output)}`);
    }
  }
  return lines.join("\n") + "\n";
}

export function pipelineToDot(pipeline: Pipeline, _options: PictureOptions = {}): string {
  const lines = ["digraph pipeline {"];
  for (const name of pipeline.externalInputs()) lines.push(`  "${id("in", name)}" [label="${name}", shape=ellipse];`);
  for (const node of pipeline.nodes) lines.push(`  "${id("fn", node.output)}" [label="${node.name}\\n→ ${node.output}", shape=box];`);
  for (const node of pipeline.nodes) {
    for (const input of node.meta.inputs) {
      const from = pipeline.producers.get(input);
      lines.push(`  "${from ? id("fn", from.output) : id("in", input)}" -> "${id("fn", node.output)}";`);
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
