/**
 * The code a node's function depends on inside its own file: the function itself plus every
 * same-file binding it reads (helpers, constants, classes, enclosing-scope variables), followed
 * transitively, plus the imported bindings it reads (by module specifier and imported name),
 * and the literal `import()` / `require()` / asset URLs inside any of that code.
 *
 * The code hash is taken over canonical text (see normalise.ts), with the referenced bindings
 * sorted, so reordering declarations in the file does not change it, and cycles (mutually
 * recursive helpers) terminate because each definition is visited once.
 */
import type { AnyNode } from "./ast.js";
import type { ImportEdge } from "./module-imports.js";
import { canonicalText } from "./normalise.js";
import { referencesWithin, type ScopeAnalysis } from "./scope.js";
import { compareCodeUnits } from "../../code-unit-order.js";
import { hashString } from "../../hashing/xxhash.js";
import { CODE_HASH_VERSION } from "../versions.js";

/** Bumped (in versions.ts) whenever what goes into a code hash changes. */
export { CODE_HASH_VERSION } from "../versions.js";

export interface ImportedBinding {
  source: string;
  importedName: string;
  viaRequire: boolean;
}

export interface CodeClosure {
  codeHash: string;
  /** The same without the imported bindings' specifiers: to tell a renamed specifier from an edit. */
  ownHash: string;
  /** Imported bindings the code reads, sorted and de-duplicated. */
  imports: ImportedBinding[];
  /** `import()`, `require()` and asset URL edges that sit inside the code. */
  inlineEdges: ImportEdge[];
}

/** Per-transform memo of canonical text, shared by every call in the file. */
export type CanonicalMemo = Map<AnyNode, string>;

export function codeClosure(
  root: AnyNode,
  analysis: ScopeAnalysis,
  fileEdges: ImportEdge[],
  memo: CanonicalMemo,
): CodeClosure {
  const textOf = (node: AnyNode): string => {
    let text = memo.get(node);
    if (text === undefined) {
      text = canonicalText(node);
      memo.set(node, text);
    }
    return text;
  };

  const visited = new Set<AnyNode>([root]);
  const queue: AnyNode[] = [root];
  const definitions: string[] = [];
  const imports = new Map<string, ImportedBinding>();
  const inlineEdges = new Set<ImportEdge>();
  const inlineCandidates = fileEdges.filter((edge) => edge.kind === "dynamic" || edge.kind === "require" || edge.kind === "asset");

  while (queue.length > 0) {
    const unit = queue.pop()!;
    for (const reference of referencesWithin(analysis.references, unit.start, unit.end)) {
      const binding = reference.scope.lookup(reference.name);
      if (!binding) continue; // a global: its name is already part of the code
      if (binding.importSource !== undefined) {
        const importedName = binding.importedName ?? "*";
        imports.set(`${binding.importSource}\0${importedName}`, {
          source: binding.importSource,
          importedName,
          viaRequire: binding.viaRequire === true,
        });
        continue;
      }
      const declaredIn = binding.scope.node;
      if (declaredIn.start >= unit.start && declaredIn.end <= unit.end) continue; // local to the unit
      for (const definition of binding.units) {
        if (visited.has(definition)) continue;
        visited.add(definition);
        definitions.push(textOf(definition));
        queue.push(definition);
      }
    }
    for (const edge of inlineCandidates) {
      if (edge.start >= unit.start && edge.start < unit.end) inlineEdges.add(edge);
    }
  }

  const sortedImports = [...imports.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, value]) => value);
  definitions.sort();
  const own = [`daft-code-v${CODE_HASH_VERSION}`, textOf(root), ...definitions].join("\n");
  const text = [own, ...sortedImports.map((item) => `import ${JSON.stringify(item.source)} ${JSON.stringify(item.importedName)}`)].join("\n");
  return { codeHash: hashString(text), ownHash: hashString(own), imports: sortedImports, inlineEdges: [...inlineEdges] };
}
