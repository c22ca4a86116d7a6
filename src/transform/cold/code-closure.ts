/**
 * The root of a node's closure: its function, with the code of the enclosing-scope variables it
 * reads when it is written inside another function (a factory), followed transitively. What it
 * reads of its module's top level and of other modules is left to binding-closure.ts, which
 * follows it binding by binding.
 *
 * The hash is taken over canonical text with local names normalised (local-names.ts), with the
 * enclosing definitions sorted, so reordering them does not change it, and cycles (mutually
 * recursive helpers) terminate because each definition is visited once.
 */
import type { AnyNode } from "./ast.js";
import { hashString } from "../../hashing/xxhash.js";
import { unitText } from "./local-names.js";
import { pieceReferences, type Load, type Piece } from "./module-graph.js";
import type { Binding, ScopeAnalysis } from "./scope.js";

/** Bumped (in versions.ts) whenever what goes into a code hash changes. */
export { CODE_HASH_VERSION } from "../versions.js";

export function rootPiece(fn: AnyNode, analysis: ScopeAnalysis): Piece {
  const reads = new Set<string>();
  const loads: Load[] = [];
  const definitions: string[] = [];
  const visited = new Set<AnyNode>([fn]);
  const queue: Binding[] = [];
  const take = (unit: AnyNode): void => {
    const found = pieceReferences(analysis, unit);
    for (const name of found.reads) reads.add(name);
    loads.push(...found.loads);
    queue.push(...found.outer);
  };
  take(fn);
  while (queue.length > 0) {
    for (const unit of queue.pop()!.units) {
      if (visited.has(unit)) continue;
      visited.add(unit);
      definitions.push(unitText(analysis, unit));
      take(unit);
    }
  }
  definitions.sort();
  return { hash: hashString([unitText(analysis, fn), ...definitions].join("\n")), reads: [...reads].sort(), loads };
}
