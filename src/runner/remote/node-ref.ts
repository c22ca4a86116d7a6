/**
 * How a node is named to a worker (a thread, or a `daft worker` process on another machine),
 * and the build it must have there. The reference says where the node is defined (its module,
 * and its output and ordinal among that module's nodes, see definition-site.ts); the build is
 * its code hash and the hash of all the code it imports, which the worker compares with its own
 * before it runs anything.
 */
import { dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { definitionSite, type DefinitionSite } from "../../definition-site.js";
import { DefinitionError } from "../../errors.js";
import type { NodeMeta } from "../../func.js";
import type { PipelineNode } from "../../graph.js";
import { hashString } from "../../hashing/xxhash.js";
import { findProjectRoot } from "../../project-root.js";

export interface NodeRef {
  /** The defining module's URL in the process that runs the pipeline (threads import it). */
  module: string;
  /** The same module relative to its project root, `/`-separated (what another machine has). */
  file: string;
  output: string;
  ordinal: number;
  /** For messages. */
  name: string;
}

export interface NodeBuild {
  codeHash: string;
  /** The hash of every file the node's code reaches through imports ("" without build info). */
  depsHash: string;
}

export function siteOf(meta: NodeMeta): DefinitionSite | undefined {
  return (meta as unknown as Record<symbol, DefinitionSite | undefined>)[definitionSite];
}

export function buildOf(meta: NodeMeta): NodeBuild {
  return { codeHash: meta.codeHash, depsHash: meta.depsHashes.at(-1) ?? "" };
}

/** The defining module relative to its project root, as both sides of a queue compute it. */
export function projectFileOf(module: string): string {
  if (!module.startsWith("file:")) return module;
  const path = fileURLToPath(module);
  return relative(findProjectRoot(dirname(path)), path).split(sep).join("/");
}

/** The reference of a node, or an error saying why no worker could load it. */
export function nodeRefOf(node: PipelineNode): NodeRef {
  const site = siteOf(node.meta);
  if (!site?.module || !site.module.startsWith("file:")) {
    throw new DefinitionError(
      `node "${node.name}" (output "${node.output}") cannot run in a worker: the module that defines it is not a file ` +
        `(${site?.module ?? "unknown"}); define it with func() in a module file that workers can import`,
    );
  }
  return { module: site.module, file: projectFileOf(site.module), output: node.output, ordinal: site.ordinal, name: node.name };
}

/** One name per (node, build): a worker with other code has another one and never sees its jobs. */
export function routingIdOf(ref: Pick<NodeRef, "file" | "output" | "ordinal">, build: NodeBuild): string {
  return hashString(`route\u0000${ref.file}\u0000${ref.output}\u0000${ref.ordinal}\u0000${build.codeHash}\u0000${build.depsHash}`);
}
