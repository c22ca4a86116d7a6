/**
 * Resolves a pipeline against the names of the run inputs: where each node's inputs come from,
 * which inputs are missing, whether there is a cycle, and the order to run in (dependencies
 * first; independent nodes in registration order). A run may ask for some outputs only (then
 * only the nodes they need are planned) and may pin outputs: give a node's output as a run input,
 * so the node does not run and its consumers read the given value.
 */
import { DefinitionError, ResolutionError } from "./errors.js";
import type { PipelineGraph, PipelineNode } from "./graph.js";

export type InputSource =
  | { name: string; from: "node"; producer: PipelineNode }
  | { name: string; from: "input" }
  /** Not given and not produced: the function's own default applies. */
  | { name: string; from: "default" };

export interface PlannedNode {
  node: PipelineNode;
  /** One per input, in the order of `node.meta.inputs`. */
  sources: InputSource[];
  /** The steps whose outputs this one reads (its inputs' producers and its axis's producer). */
  dependsOn: PlannedNode[];
}

export interface RunPlan {
  steps: PlannedNode[];
  /** Per name: how many cached mapped nodes read its items' hashes (as an input or as their axis). */
  itemHashReaders: ReadonlyMap<string, number>;
}

/** The part of the pipeline a run asks for. */
export interface RunSelection {
  /** Plan only what these outputs need; every node when absent. */
  outputs?: readonly string[] | undefined;
  /** Outputs given as run inputs: their nodes do not run, their consumers read the given values. */
  pinned?: readonly string[] | undefined;
}

type Producers = ReadonlyMap<string, PipelineNode>;

export function planRun(pipeline: PipelineGraph, given: ReadonlySet<string>, selection: RunSelection = {}): RunPlan {
  const pinned = new Set(selection.pinned);
  checkSelection(pipeline, given, selection, pinned);
  rejectOutputsGivenAsInputs(pipeline, given, pinned);
  // A pinned output has no producer in this run: it is a run input like any other.
  const producers: Producers = pinned.size === 0 ? pipeline.producers : new Map([...pipeline.producers].filter(([name]) => !pinned.has(name)));
  const nodes = selection.outputs ? neededFor(selection.outputs, pipeline.nodes, producers) : pipeline.nodes.filter((node) => !pinned.has(node.output));
  const planned: PlannedNode[] = nodes.map((node) => ({ node, sources: sourcesOf(node, producers, given), dependsOn: [] }));
  reportMissing(planned, producers, given);
  const byNode = new Map(planned.map((step) => [step.node, step]));
  for (const step of planned) step.dependsOn = dependenciesOf(step, byNode, producers);
  return { steps: order(planned), itemHashReaders: countItemHashReaders(planned) };
}

const quoted = (names: Iterable<string>) => [...names].map((name) => `"${name}"`).join(", ");

function checkSelection(pipeline: PipelineGraph, given: ReadonlySet<string>, selection: RunSelection, pinned: ReadonlySet<string>): void {
  const outputs = () => `the pipeline's outputs: ${quoted(pipeline.producers.keys()) || "none"}`;
  for (const name of selection.outputs ?? []) {
    if (!pipeline.producers.has(name)) throw new ResolutionError(`runner.run options.outputs: no node produces "${name}"; ${outputs()}`);
  }
  for (const name of pinned) {
    if (!pipeline.producers.has(name)) {
      throw new ResolutionError(`runner.run options.pin: no node produces "${name}"; pin names node outputs given as run inputs (${outputs()})`);
    }
    if (!given.has(name)) {
      throw new ResolutionError(`runner.run options.pin: "${name}" is pinned but the run inputs do not give it; pass its value as runner.run(pipeline, { ${name}: … }, { pin: ["${name}"] })`);
    }
  }
}

function rejectOutputsGivenAsInputs(pipeline: PipelineGraph, given: ReadonlySet<string>, pinned: ReadonlySet<string>): void {
  for (const name of given) {
    const producer = pipeline.producers.get(name);
    if (producer && !pinned.has(name)) {
      throw new ResolutionError(
        `Run input "${name}" is also the output of node "${producer.name}", which would overwrite it. ` +
          `To use the given value instead of running the node, pin it: runner.run(pipeline, inputs, { pin: ["${name}"] }). ` +
          `Otherwise remove "${name}" from the run inputs, or rename the node's output.`,
      );
    }
  }
}

/** The nodes `outputs` need, through their inputs and map axes, in registration order. */
function neededFor(outputs: readonly string[], nodes: readonly PipelineNode[], producers: Producers): PipelineNode[] {
  const needed = new Set<PipelineNode>();
  const pending = [...outputs];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const producer = producers.get(name);
    if (!producer || needed.has(producer)) continue;
    needed.add(producer);
    pending.push(...producer.meta.inputs);
    if (producer.meta.mapAxis !== undefined) pending.push(producer.meta.mapAxis);
  }
  return nodes.filter((node) => needed.has(node));
}

function sourcesOf(node: PipelineNode, producers: Producers, given: ReadonlySet<string>): InputSource[] {
  return node.meta.inputs.map((name): InputSource => {
    const producer = producers.get(name);
    if (producer) {
      if (producer === node) {
        throw new DefinitionError(`Pipeline: node "${node.name}" takes its own output "${name}" as an input`);
      }
      return { name, from: "node", producer };
    }
    return { name, from: given.has(name) || !node.meta.defaults.includes(name) ? "input" : "default" };
  });
}

function reportMissing(planned: PlannedNode[], producers: Producers, given: ReadonlySet<string>): void {
  const blocked: string[] = [];
  for (const { node, sources } of planned) {
    const missing = sources.filter((source) => source.from === "input" && !given.has(source.name)).map((source) => source.name);
    const axis = node.meta.mapAxis;
    if (axis !== undefined && !given.has(axis) && !producers.has(axis) && !missing.includes(axis)) missing.push(axis);
    if (missing.length > 0) {
      blocked.push(`  - node "${node.name}" (output "${node.output}") is missing ${missing.map((name) => `"${name}"`).join(", ")}`);
    }
  }
  if (blocked.length > 0) {
    const givenList = given.size ? [...given].map((name) => `"${name}"`).join(", ") : "none";
    throw new ResolutionError(
      `Cannot resolve pipeline dependencies:\n${blocked.join("\n")}\n` +
        `Run inputs given: ${givenList}. Pass the missing names in runner.run(pipeline, { … }), or add a node that produces them.`,
    );
  }
}

/** Dependencies of a step: the producers of its inputs, and of its map axis. */
function dependenciesOf(step: PlannedNode, byNode: Map<PipelineNode, PlannedNode>, producers: Producers): PlannedNode[] {
  const deps = new Set<PlannedNode>();
  for (const source of step.sources) if (source.from === "node") deps.add(byNode.get(source.producer)!);
  const axis = step.node.meta.mapAxis;
  const axisProducer = axis === undefined ? undefined : producers.get(axis);
  if (axisProducer && axisProducer !== step.node) deps.add(byNode.get(axisProducer)!);
  return [...deps];
}

function order(planned: PlannedNode[]): PlannedNode[] {
  const done = new Set<PlannedNode>();
  const result: PlannedNode[] = [];
  // Repeatedly take the first node (registration order) whose dependencies are all done:
  // quadratic in the worst case, but pipelines have tens of nodes, and the result is stable.
  while (result.length < planned.length) {
    const next = planned.find((step) => !done.has(step) && step.dependsOn.every((dep) => done.has(dep)));
    if (!next) throw new ResolutionError(describeCycle(planned.filter((step) => !done.has(step))));
    done.add(next);
    result.push(next);
  }
  return result;
}

function describeCycle(remaining: PlannedNode[]): string {
  // Walk dependencies from any remaining node until a node repeats: that loop is a cycle.
  const path: PlannedNode[] = [];
  let current: PlannedNode | undefined = remaining[0]!;
  while (current && !path.includes(current)) {
    path.push(current);
    current = current.dependsOn.find((dep) => remaining.includes(dep));
  }
  const cycle = current ? path.slice(path.indexOf(current)) : path;
  const names = [...cycle, cycle[0]!].reverse().map((step) => `"${step.node.name}" (output "${step.node.output}")`);
  return `Dependency cycle between nodes: ${names.join(" → ")}. A node cannot depend, directly or through others, on its own output.`;
}

function countItemHashReaders(planned: PlannedNode[]): Map<string, number> {
  const readers = new Map<string, number>();
  for (const { node } of planned) {
    if (node.meta.mapAxis === undefined || !node.meta.cache) continue;
    for (const name of new Set([...node.meta.inputs, node.meta.mapAxis])) readers.set(name, (readers.get(name) ?? 0) + 1);
  }
  return readers;
}
