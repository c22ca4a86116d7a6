// The corpus's import graph at file level, for the baseline that tools hashing whole files use
// (Turborepo, Nx, a bundler's module graph): a node misses whenever any file in the import
// closure of its module changed. Edges: static imports and re-exports (`import type` and
// `export type` aside, as they never load), `import()` of a literal, and `import()` of a template
// literal, which can load every file matching its static parts (as Vite counts them).
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import ts from "typescript";
import { corpusDir, corpusFiles } from "./corpus.mjs";

export function resolveRelative(from, specifier, files) {
  if (!specifier.startsWith(".")) return []; // a package: counted by version, not by its files
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [path, path.replace(/\.js$/, ".ts"), `${path}.ts`, `${path}/index.ts`];
  const found = candidates.find((candidate) => files.has(candidate));
  return found ? [found] : [];
}

/** Files a template-literal specifier can name: its static parts in order, anything between. */
export function resolveTemplate(from, template, files) {
  const parts = [template.head.text, ...template.templateSpans.map((span) => span.literal.text)];
  if (!parts[0].startsWith(".")) return [];
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const base = posix.dirname(from);
  const pattern = new RegExp(`^${parts.map(escape).join("[^/]*")}$`);
  return [...files].filter((file) => {
    const relativePath = posix.relative(base, file);
    return pattern.test(relativePath.startsWith(".") ? relativePath : `./${relativePath}`);
  });
}

/** `{ [file]: files it loads directly }` for every .ts file of the corpus. */
export function importGraph(dir = corpusDir) {
  const sources = corpusFiles(dir).filter((file) => file.endsWith(".ts"));
  const files = new Set(sources);
  const graph = {};
  for (const file of sources) {
    const sourceFile = ts.createSourceFile(file, readFileSync(join(dir, file), "utf8"), ts.ScriptTarget.Latest, true);
    const edges = new Set();
    const visit = (node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly : node.isTypeOnly;
        if (!typeOnly) for (const target of resolveRelative(file, node.moduleSpecifier.text, files)) edges.add(target);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
        const [argument] = node.arguments;
        if (ts.isStringLiteralLike(argument)) for (const target of resolveRelative(file, argument.text, files)) edges.add(target);
        else if (ts.isTemplateExpression(argument)) for (const target of resolveTemplate(file, argument, files)) edges.add(target);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    graph[file] = [...edges].sort();
  }
  return graph;
}

/** The files `file` loads, directly or not, itself included. */
export function importClosure(graph, file) {
  const closure = new Set([file]);
  const pending = [file];
  while (pending.length > 0) {
    for (const target of graph[pending.pop()] ?? []) {
      if (!closure.has(target)) {
        closure.add(target);
        pending.push(target);
      }
    }
  }
  return closure;
}
