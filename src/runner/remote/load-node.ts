/**
 * The worker's side of running a node elsewhere: import the module that defines it (with
 * pipeline runs refused meanwhile), find the node by output and ordinal among what that module
 * defined, check that its build is the one the runner asked for, and run the calls.
 */
import { recordedNodes, whileImporting, type RecordedNode } from "../../definition-site.js";
import { DaftError } from "../../errors.js";
import type { PipelineNode } from "../../graph.js";
import { buildOf, type NodeBuild } from "./node-ref.js";

const imported = new Map<string, Promise<void>>();

/** Imports a module once per worker; its nodes are recorded (see definition-site.ts). */
export function importNodeModule(module: string): Promise<void> {
  let loading = imported.get(module);
  if (!loading) {
    loading = whileImporting(module, async () => {
      await import(module);
    });
    imported.set(module, loading);
  }
  return loading;
}

/** The node a module defined with this output and ordinal, as a pipeline node to invoke. */
export function findNode(module: string, output: string, ordinal: number): PipelineNode | undefined {
  const found = (recordedNodes().get(module) ?? []).filter((node) => node.meta.output === output)[ordinal];
  return found && asPipelineNode(found);
}

export function asPipelineNode(recorded: RecordedNode): PipelineNode {
  return { index: 0, name: recorded.meta.name, output: recorded.meta.output, meta: recorded.meta, fn: recorded.fn };
}

export class BuildMismatchError extends DaftError {
  override name = "BuildMismatchError";
}

/** Throws unless the worker's node has the build the runner expects (same code, same imports). */
export function checkBuild(node: PipelineNode, expected: NodeBuild, where: string): void {
  const own = buildOf(node.meta);
  if (own.codeHash === expected.codeHash && own.depsHash === expected.depsHash) return;
  throw new BuildMismatchError(
    `node "${node.name}" (output "${node.output}") differs in ${where}: the runner has codeHash ${expected.codeHash} depsHash ${expected.depsHash || "(none)"}, ` +
      `${where} has codeHash ${own.codeHash} depsHash ${own.depsHash || "(none)"} (hashes from ${node.meta.hashSource === "build" ? "the build" : "the function's source at run time"}). ` +
      "Start workers with the same code and the same --import flags (daft/loader, tsx) as the process that runs the pipeline.",
  );
}
