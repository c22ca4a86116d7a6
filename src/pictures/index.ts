/**
 * Pictures of a pipeline: Mermaid and Graphviz DOT text (deterministic: the same pipeline
 * gives the same bytes), optionally coloured by what a run did, and SVG rendered in-process.
 */
import { DefinitionError } from "../errors.js";
import type { PipelineGraph } from "../graph.js";
import type { CacheStats } from "../runner/stats.js";
import { writeDot } from "./dot.js";
import { writeMermaid } from "./mermaid.js";
import { buildPictureModel } from "./model.js";
import { dotToSvg } from "./svg.js";

export interface PictureOptions {
  /** Colour each function by what this run did: hit, miss, partial (a mapped node with both), no cache. */
  stats?: CacheStats;
  /** Layout direction: "TB" top to bottom (default) or "LR" left to right. */
  direction?: "TB" | "LR";
}

function directionOf(options: PictureOptions): "TB" | "LR" {
  const direction = options.direction ?? "TB";
  if (direction !== "TB" && direction !== "LR") {
    throw new DefinitionError(`Pipeline picture: direction must be "TB" or "LR", got ${JSON.stringify(direction)}`);
  }
  return direction;
}

/** A Mermaid flowchart (paste into Markdown inside a ```mermaid block). */
export function pipelineToMermaid(pipeline: PipelineGraph, options: PictureOptions = {}): string {
  return writeMermaid(buildPictureModel(pipeline, options.stats), directionOf(options));
}

/** A Graphviz DOT digraph (render with `dot -Tsvg`, or with `pipelineToSvg`). */
export function pipelineToDot(pipeline: PipelineGraph, options: PictureOptions = {}): string {
  return writeDot(buildPictureModel(pipeline, options.stats), directionOf(options));
}

/** An SVG picture, laid out by Graphviz running in this process (no system install needed). */
export function pipelineToSvg(pipeline: PipelineGraph, options: PictureOptions = {}): Promise<string> {
  return dotToSvg(pipelineToDot(pipeline, options));
}

export { dotToSvg };
