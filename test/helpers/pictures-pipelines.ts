/**
 * Pipelines for the picture tests. Each call builds new functions and a new Pipeline, so two
 * calls give separately constructed, identical pipelines.
 */
import { func, Pipeline } from "../../src/index.js";

/** Every element kind: required and optional inputs, a mapped cached node over an axis an
 * unmapped node produces, an uncached mapped node, and a cached reduce. */
export function scoringPipeline() {
  const load = func({ output: "docs" }, function load({ folder, limit = 3 }: { folder: string; limit?: number }) {
    return Array.from({ length: limit }, (_, i) => `${folder}/doc${i}`);
  });
  const embed = func(
    { output: "vectors", mapAxis: "docs", cache: true },
    async function embed({ docs, model = "mini" }: { docs: string; model?: string }) {
      return [docs.length, model.length];
    },
  );
  const score = func({ output: "scores", mapAxis: "docs" }, function score({ vectors, query }: { vectors: number[]; query: string }) {
    return vectors[0]! * query.length;
  });
  const best = func({ output: "best", cache: true }, function best({ scores }: { scores: number[] }) {
    return Math.max(...scores);
  });
  return new Pipeline({ functions: [load, embed, score, best] });
}

/** A map axis given as a run input, read whole by an unmapped node: a reduce from an input. */
export function itemsPipeline() {
  const square = func({ output: "squared", mapAxis: "item" }, ({ item }: { item: number }) => item * item);
  const count = func({ output: "count" }, ({ item }: { item: number[] }) => item.length);
  return new Pipeline({ functions: [square, count] });
}

export const ODD_OUTPUT = 'size "in" <bytes> [x] #1 & `y` \\ end';

/** Names with characters that mean something in Mermaid or DOT. */
export function oddNamesPipeline() {
  const measure = func({ output: ODD_OUTPUT }, function measure({ text }: { text: string }) {
    return text.length;
  });
  const report = func({ output: "end", inputs: [ODD_OUTPUT] }, function report(args: Record<string, number>) {
    return `size: ${args[ODD_OUTPUT]}`;
  });
  const spaced = func({ output: "a b" }, ({ text }: { text: string }) => text);
  const dashed = func({ output: "a-b" }, ({ text }: { text: string }) => text);
  return new Pipeline({ functions: [measure, report, spaced, dashed] });
}
