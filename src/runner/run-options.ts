/**
 * The options of one run (`runner.run(pipeline, inputs, options)`): which outputs it asks for,
 * which outputs it is given (pinned), which nodes it recomputes, whether it is a dry run.
 * Checked here, by shape; names are checked against the pipeline when the run is planned.
 */
import { ResolutionError } from "../errors.js";
import type { PipelineGraph, PipelineNode } from "../graph.js";
import type { RunPlan, RunSelection } from "../plan.js";
import { Slot } from "./slots.js";

export interface RunOptions<O extends string = string, P extends string = string, D extends boolean = boolean> {
  /** Run only what these outputs need; the result holds the inputs and the outputs of the nodes that ran. */
  outputs?: readonly O[];
  /** Outputs given as run inputs: their nodes do not run, and the nodes that read them take the given values. */
  pin?: readonly P[];
  /**
   * Nodes to recompute without looking them up, their new results stored over the old ones: by
   * output, or by function name; `true` for every node of the run.
   */
  refresh?: readonly string[] | boolean;
  /** Execute nothing, store nothing: `runner.stats` (and the resolved value) say what would hit, what would run and why. */
  dryRun?: D;
}

const KNOWN = ["outputs", "pin", "refresh", "dryRun"];

function isNameList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((name) => typeof name === "string");
}

/** The options, checked by shape: a typo or a wrong type is an error naming the option. */
export function checkRunOptions(options: unknown): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ResolutionError(`runner.run(pipeline, inputs, options): options must be an object like { outputs: ["name"] }, got ${Array.isArray(options) ? "an array" : String(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.includes(key)) throw new ResolutionError(`runner.run options: unknown option "${key}"; the options are ${KNOWN.join(", ")}`);
  }
  for (const key of ["outputs", "pin"] as const) {
    if (given[key] !== undefined && !isNameList(given[key])) throw new ResolutionError(`runner.run options.${key} must be an array of output names`);
  }
  if (given.refresh !== undefined && typeof given.refresh !== "boolean" && !isNameList(given.refresh)) {
    throw new ResolutionError("runner.run options.refresh must be an array of node names (or outputs), or true for every node");
  }
  if (given.dryRun !== undefined && typeof given.dryRun !== "boolean") throw new ResolutionError("runner.run options.dryRun must be true or false");
  return given as RunOptions;
}

export function selectionOf(options: RunOptions): RunSelection {
  return { outputs: options.outputs, pinned: options.pin };
}

const describeNode = (node: PipelineNode) => (node.name === node.output ? `"${node.name}"` : `"${node.name}" (output "${node.output}")`);

/**
 * The nodes `refresh` names, among those the run plans. A name that is some node's output means
 * that node (outputs are unique); any other name must be the function name of exactly one node.
 */
export function refreshedNodes(pipeline: PipelineGraph, plan: RunPlan, refresh: RunOptions["refresh"]): ReadonlySet<PipelineNode> {
  if (!refresh) return new Set();
  const planned = new Set(plan.steps.map((step) => step.node));
  if (refresh === true) return planned;
  const nodes = new Set<PipelineNode>();
  for (const name of refresh) {
    const byOutput = pipeline.producers.get(name);
    const matches = byOutput ? [byOutput] : pipeline.nodes.filter((node) => node.name === name);
    if (matches.length === 0) {
      throw new ResolutionError(`runner.run options.refresh: no node is named "${name}" or produces it; the nodes: ${pipeline.nodes.map(describeNode).join(", ")}`);
    }
    if (matches.length > 1) {
      throw new ResolutionError(
        `runner.run options.refresh: "${name}" is the name of ${matches.length} nodes (${matches.map(describeNode).join(", ")}); name the one to refresh by its output`,
      );
    }
    const node = matches[0]!;
    if (!planned.has(node)) {
      throw new ResolutionError(`runner.run options.refresh: node ${describeNode(node)} does not run in this run (its output is pinned, or not needed for the outputs asked for)`);
    }
    nodes.add(node);
  }
  return nodes;
}

/**
 * The slot of a pinned output. A mapped node's output is an array with one element per item:
 * given as an array, the nodes mapped over the same axis take its elements one per item.
 */
export function pinnedSlot(name: string, value: unknown, producer: PipelineNode, inputs: Record<string, unknown>): Slot {
  const axis = producer.meta.mapAxis;
  if (axis === undefined) return new Slot(value, "value");
  const axisValue = inputs[axis];
  if (Array.isArray(axisValue) && (!Array.isArray(value) || value.length !== axisValue.length)) {
    throw new ResolutionError(
      `runner.run: pinned "${name}" is the output of node "${producer.name}", mapped over "${axis}": ` +
        `give an array with one element per item of "${axis}" (${axisValue.length}), got ${Array.isArray(value) ? `${value.length} elements` : typeof value}`,
    );
  }
  return new Slot(value, Array.isArray(value) ? "mapped" : "value");
}
