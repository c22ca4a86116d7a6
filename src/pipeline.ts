/**
 * `Pipeline`: a set of nodes wired by name. A node depends on whatever run input or node output
 * has the name of one of its inputs. Structure is validated at construction; what depends on
 * the run inputs (missing inputs, cycles) is resolved per run, in `plan.ts`.
 */
import { DefinitionError } from "./errors.js";
import { originalFunction, type NodeMeta } from "./func.js";
import type { PipelineGraph, PipelineNode } from "./graph.js";
import type { AnyDaftFunction, CheckedEdges } from "./pipeline-types.js";
import { planRun, type RunPlan, type RunSelection } from "./plan.js";
import { pipelineToDot, pipelineToMermaid, type PictureOptions } from "./pictures/index.js";

export type { PipelineNode } from "./graph.js";

export interface PipelineOptions<F extends readonly AnyDaftFunction[]> {
  functions: F;
}

export class Pipeline<const F extends readonly AnyDaftFunction[] = readonly AnyDaftFunction[]> implements PipelineGraph {
  readonly nodes: readonly PipelineNode[];
  /** Node by output name. */
  readonly producers: ReadonlyMap<string, PipelineNode>;
  /** The single map axis, if any node has one. */
  readonly mapAxis: string | undefined;
  private readonly plans = new Map<string, RunPlan>();

  /**
   * In TypeScript, a node whose input does not fit the output of the node producing it is a
   * compile-time error here, naming both nodes (by their outputs) and both types.
   */
  constructor(options: PipelineOptions<F> & CheckedEdges<F>) {
    if (typeof options !== "object" || options === null || !Array.isArray(options.functions)) {
      throw new DefinitionError("new Pipeline({ functions }): functions must be an array of func(...) nodes");
    }
    this.nodes = options.functions.map((fn, index) => toNode(fn, index));
    rejectRepeats(options.functions);
    this.producers = indexByOutput(this.nodes);
    this.mapAxis = singleMapAxis(this.nodes);
  }

  /** Output names, in registration order. */
  get outputs(): string[] {
    return this.nodes.map((node) => node.output);
  }

  /** Input names no node produces and that have no default: what a run must be given. */
  get requiredInputs(): string[] {
    return this.externalInputs().filter((name) => !this.isOptional(name));
  }

  /** Input names no node produces but every consumer has a default for. */
  get optionalInputs(): string[] {
    return this.externalInputs().filter((name) => this.isOptional(name));
  }

  /** Everything a run may be given, in first-use order. */
  externalInputs(): string[] {
    const names = new Set<string>();
    for (const node of this.nodes) {
      for (const input of node.meta.inputs) if (!this.producers.has(input)) names.add(input);
      // A mapped node's axis is an input even when the function does not read it.
      if (node.meta.mapAxis !== undefined && !this.producers.has(node.meta.mapAxis)) names.add(node.meta.mapAxis);
    }
    return [...names];
  }

  private isOptional(name: string): boolean {
    return this.nodes.every(
      (node) => (!node.meta.inputs.includes(name) || node.meta.defaults.includes(name)) && node.meta.mapAxis !== name,
    );
  }

  /**
   * The execution plan for a run given these input names, for the outputs it asks for and the
   * outputs it pins (memoised: it depends on names only).
   */
  planFor(inputNames: readonly string[], selection: RunSelection = {}): RunPlan {
    const outputs = selection.outputs ? selection.outputs.join("\0") : "*";
    const key = `${[...inputNames].sort().join("\0")}\u0001${outputs}\u0001${[...(selection.pinned ?? [])].sort().join("\0")}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planRun(this, new Set(inputNames), selection);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** A Mermaid flowchart of the pipeline (deterministic text). */
  toMermaid(options?: PictureOptions): string {
    return pipelineToMermaid(this, options);
  }

  /** A Graphviz DOT graph of the pipeline (deterministic text). */
  toDot(options?: PictureOptions): string {
    return pipelineToDot(this, options);
  }
}

function toNode(fn: unknown, index: number): PipelineNode {
  const meta = (fn as { meta?: NodeMeta } | undefined)?.meta;
  if (typeof fn !== "function" || !meta || typeof meta.output !== "string") {
    const label = typeof fn === "function" ? `"${fn.name || "(anonymous)"}"` : String(fn);
    throw new DefinitionError(
      `Pipeline: functions[${index}] ${label} is not a daft node: wrap it with func({ output: "…" }, fn) from "daft"`,
    );
  }
  const original = (fn as unknown as Record<symbol, unknown>)[originalFunction];
  return {
    index,
    name: meta.name,
    output: meta.output,
    meta,
    fn: (typeof original === "function" ? original : fn) as PipelineNode["fn"],
  };
}

/** A node listed twice (not two nodes with one output): said as such, not as an output clash. */
function rejectRepeats(functions: readonly AnyDaftFunction[]): void {
  const seen = new Map<unknown, number>();
  functions.forEach((fn, index) => {
    const first = seen.get(fn);
    if (first !== undefined) {
      throw new DefinitionError(
        `Pipeline: node "${fn.meta.name}" (output "${fn.meta.output}") is listed twice, as functions[${first}] and functions[${index}]; list each node once`,
      );
    }
    seen.set(fn, index);
  });
}

function indexByOutput(nodes: readonly PipelineNode[]): Map<string, PipelineNode> {
  const producers = new Map<string, PipelineNode>();
  for (const node of nodes) {
    const other = producers.get(node.output);
    if (other) {
      throw new DefinitionError(
        `Pipeline: nodes "${other.name}" and "${node.name}" both produce output "${node.output}"; each output needs exactly one node`,
      );
    }
    producers.set(node.output, node);
  }
  return producers;
}

function singleMapAxis(nodes: readonly PipelineNode[]): string | undefined {
  const axes = new Map<string, string>();
  for (const node of nodes) {
    const axis = node.meta.mapAxis;
    if (axis !== undefined && !axes.has(axis)) axes.set(axis, node.name);
  }
  if (axes.size > 1) {
    const list = [...axes].map(([axis, name]) => `"${axis}" (node "${name}")`).join(", ");
    throw new DefinitionError(`Pipeline supports one map axis; found ${axes.size}: ${list}`);
  }
  return axes.keys().next().value;
}
