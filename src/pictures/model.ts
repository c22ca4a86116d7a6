/**
 * The picture of a pipeline as plain data, shared by the Mermaid and DOT writers: run inputs,
 * functions, final results and the edges between them, plus each function's cache status when
 * a run's stats are given. Everything is listed in a fixed order (first use, then registration)
 * so the same pipeline always gives the same text.
 */
import type { PipelineGraph, PipelineNode } from "../graph.js";
import type { CacheStats, NodeRunStats } from "../runner/stats.js";
import { defaultLabel, defaultSourcesOf } from "./defaults.js";
import { stableId } from "./ids.js";

/** What a run did for a function node: every call a hit, a miss, both (mapped), or uncached. */
export type CacheStatusClass = "hit" | "miss" | "partial" | "nocache";

export interface PictureInput {
  id: string;
  name: string;
  /** Every consumer has a default, so a run may leave it out. */
  optional: boolean;
  /** The source text of the defaults (several when consumers disagree); empty if unreadable. */
  defaults: string[];
  /** The pipeline's map axis: mapped nodes run once per element. */
  axis: boolean;
}

export interface PictureFunction {
  id: string;
  name: string;
  output: string;
  cached: boolean;
  mapAxis: string | undefined;
  status: CacheStatusClass | undefined;
  /** A short account of the run, e.g. "✓ hit" or "3 hit, 2 miss"; set with `status`. */
  statusText: string | undefined;
}

/** An output no node consumes: what the pipeline is run for. */
export interface PictureResult {
  id: string;
  output: string;
  /** The producer is mapped, so the result is an array along this axis. */
  mapAxis: string | undefined;
}

/**
 * "map": the axis value feeding a mapped node (split into items); "reduce": a mapped value
 * (an array along the axis) feeding an unmapped node, which receives it whole.
 */
export type EdgeKind = "plain" | "map" | "reduce";

export interface PictureEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

export interface PictureModel {
  inputs: PictureInput[];
  functions: PictureFunction[];
  results: PictureResult[];
  edges: PictureEdge[];
  /** The statuses that occur, in legend order; empty without stats. */
  statuses: CacheStatusClass[];
}

export const STATUS_ORDER: readonly CacheStatusClass[] = ["hit", "partial", "miss", "nocache"];

const inputId = (name: string) => stableId("input", name);
const functionId = (node: PipelineNode) => stableId("fn", node.output);
const resultId = (output: string) => stableId("result", output);

export function buildPictureModel(pipeline: PipelineGraph, stats: CacheStats | undefined): PictureModel {
  const inputs = describeInputs(pipeline);
  const runStats = new Map((stats?.nodes ?? []).map((node) => [node.output, node]));
  const functions = pipeline.nodes.map((node) => describeFunction(node, runStats.get(node.output)));
  const consumed = new Set<string>();
  const edges: PictureEdge[] = [];
  for (const node of pipeline.nodes) {
    for (const input of node.meta.inputs) {
      consumed.add(input);
      edges.push({ from: sourceId(pipeline, input), to: functionId(node), kind: edgeKind(pipeline, node, input) });
    }
    const axis = node.meta.mapAxis;
    // The axis is a dependency even when the function does not read it.
    if (axis !== undefined && !node.meta.inputs.includes(axis)) {
      consumed.add(axis);
      edges.push({ from: sourceId(pipeline, axis), to: functionId(node), kind: "map" });
    }
  }
  const results: PictureResult[] = [];
  for (const node of pipeline.nodes) {
    if (consumed.has(node.output)) continue;
    results.push({ id: resultId(node.output), output: node.output, mapAxis: node.meta.mapAxis });
    edges.push({ from: functionId(node), to: resultId(node.output), kind: "plain" });
  }
  const present = new Set(functions.map((fn) => fn.status));
  return { inputs, functions, results, edges, statuses: STATUS_ORDER.filter((status) => present.has(status)) };
}

function describeInputs(pipeline: PipelineGraph): PictureInput[] {
  const optional = new Set(pipeline.optionalInputs);
  const sourcesByNode = new Map<PipelineNode, Map<string, string>>();
  const defaultsOf = (node: PipelineNode) => {
    let sources = sourcesByNode.get(node);
    if (!sources) sourcesByNode.set(node, (sources = defaultSourcesOf(node.fn)));
    return sources;
  };
  return pipeline.externalInputs().map((name) => {
    const defaults = new Set<string>();
    if (optional.has(name)) {
      for (const node of pipeline.nodes) {
        const source = node.meta.inputs.includes(name) ? defaultsOf(node).get(name) : undefined;
        if (source !== undefined) defaults.add(defaultLabel(source));
      }
    }
    return { id: inputId(name), name, optional: optional.has(name), defaults: [...defaults], axis: name === pipeline.mapAxis };
  });
}

function describeFunction(node: PipelineNode, stats: NodeRunStats | undefined): PictureFunction {
  const status = stats ? statusOf(stats) : undefined;
  return {
    id: functionId(node),
    name: node.name,
    output: node.output,
    cached: node.meta.cache,
    mapAxis: node.meta.mapAxis,
    status,
    statusText: stats && status ? statusText(stats, status) : undefined,
  };
}

/** Undefined when the node made no call (a mapped node over an empty array). */
function statusOf(stats: NodeRunStats): CacheStatusClass | undefined {
  if (stats.hits > 0 && stats.misses > 0) return "partial";
  if (stats.hits > 0 && stats.noCache === 0) return "hit";
  if (stats.misses > 0) return "miss";
  if (stats.noCache > 0) return "nocache";
  return undefined;
}

function statusText(stats: NodeRunStats, status: CacheStatusClass): string {
  // A mapped node cached as a whole has a single event, so its counts say "1 hit" for N items.
  const calls = stats.hits + stats.misses + stats.noCache;
  const many = stats.mapped && calls > 1;
  switch (status) {
    case "hit":
      return many ? `✓ ${stats.hits} hit` : "✓ hit";
    case "miss":
      return many ? `✗ ${stats.misses} miss` : "✗ miss";
    case "partial":
      return `${stats.hits} hit, ${stats.misses} miss`;
    case "nocache":
      return many ? `no cache ×${stats.noCache}` : "no cache";
  }
}

function sourceId(pipeline: PipelineGraph, name: string): string {
  const producer = pipeline.producers.get(name);
  return producer ? functionId(producer) : inputId(name);
}

function edgeKind(pipeline: PipelineGraph, consumer: PipelineNode, input: string): EdgeKind {
  const producer = pipeline.producers.get(input);
  if (consumer.meta.mapAxis !== undefined) return input === consumer.meta.mapAxis ? "map" : "plain";
  const mappedProducer = producer !== undefined && producer.meta.mapAxis !== undefined;
  const axisInput = producer === undefined && input === pipeline.mapAxis;
  return mappedProducer || axisInput ? "reduce" : "plain";
}
