// A model of what a binding-level closure (DESIGN.md §3) reaches from a node: the node's function,
// every module-level declaration it references, transitively and whole (function bodies
// included), the top-level statements of every module reached, the functions that assign a
// reached `let`, and every file a template-literal `import()` can load. Not the ground truth: it
// says which must-hit pairs such an analysis cannot help missing (the edit lies in code it
// reaches but the node never ran), so that the needless figures can be read against a floor.
import { join } from "node:path";
import ts from "typescript";
import { corpusFiles } from "./corpus.mjs";
import { resolveRelative, resolveTemplate } from "./import-graph.mjs";
import { inTypeContext, isModuleStatement } from "./program-analysis.mjs";

/** The function passed to `func({ output, … }, fn)` for `output`, in a source file. */
function nodeFunction(sourceFile, output) {
  let found;
  const visit = (node) => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "func" && node.arguments.length >= 2) {
      const [options, fn] = node.arguments;
      const named = ts.isObjectLiteralExpression(options) && options.properties.some((property) =>
        ts.isPropertyAssignment(property) && property.name.getText(sourceFile) === "output" && ts.isStringLiteral(property.initializer) && property.initializer.text === output);
      if (named) found = fn;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (!found) throw new Error(`no func call with output "${output}" in ${sourceFile.fileName}`);
  return found;
}

/** Whether a node is a function that runs only when called (not with the statement around it). */
function isFunctionValue(node) {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

/** The identifier an assignment target starts from: `x` in `x = …`, `x.y.z = …`, `x[k] = …`. */
function assignedRoot(target) {
  let node = target;
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) node = node.expression;
  return ts.isIdentifier(node) ? node : undefined;
}

/**
 * What a binding-level closure of `output` (declared in `nodeFile`) reaches: `ranges` (`{ [file]:
 * ranges }`) and `modules` (the files whose top-level statements it counts). Top-level statements
 * of a reached module count, but the functions they only define are followed only when they
 * assign a reached binding (`describe = () => …`, `Cls.prototype.m = function …`).
 */
export function bindingReach(analysis, dir, nodeFile, output) {
  const { program, checker, resolve, fileOf } = analysis;
  const files = new Set(corpusFiles(dir));
  const ranges = new Map();
  const seen = new Set();
  const modules = new Set();
  const reachedSymbols = new Set();
  const queue = [];

  const add = (node, followFunctions = true) => {
    const sourceFile = node.getSourceFile();
    const file = fileOf(sourceFile);
    const key = `${file}:${node.pos}:${node.end}:${followFunctions}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!ranges.has(file)) ranges.set(file, []);
    ranges.get(file).push([node.getStart(sourceFile), node.end]);
    queue.push({ node, followFunctions });
  };
  const sourceFileOf = (file) => program.getSourceFile(join(dir, file));
  /** The top-level statements of `file` that assign one of the reached bindings, anywhere inside them. */
  const assigning = (file) =>
    (sourceFileOf(file)?.statements ?? []).filter((statement) => {
      let found = false;
      const visit = (node) => {
        if (found) return;
        if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
          const root = assignedRoot(node.left);
          const symbol = root && checker.getSymbolAtLocation(root);
          if (symbol && reachedSymbols.has(symbol)) found = true;
        }
        ts.forEachChild(node, visit);
      };
      visit(statement);
      return found;
    });
  const addModule = (file, whole = false) => {
    const sourceFile = sourceFileOf(file);
    if (!sourceFile || (modules.has(file) && !whole)) return;
    modules.add(file);
    for (const statement of sourceFile.statements) {
      if (whole) add(statement);
      else if (isModuleStatement(statement)) add(statement, false);
    }
  };
  const reach = (statement) => {
    add(statement);
    const file = fileOf(statement.getSourceFile());
    addModule(file);
    const names = ts.isVariableStatement(statement) ? statement.declarationList.declarations.map((declaration) => declaration.name) : statement.name ? [statement.name] : [];
    for (const name of names) {
      const symbol = checker.getSymbolAtLocation(name);
      if (symbol) reachedSymbols.add(symbol);
    }
    for (const assignment of assigning(file)) add(assignment);
  };

  add(nodeFunction(sourceFileOf(nodeFile), output));
  addModule(nodeFile);
  while (queue.length > 0) {
    const { node: root, followFunctions } = queue.shift();
    const from = fileOf(root.getSourceFile());
    const written = new Set();
    const visit = (node) => {
      if (!followFunctions && node !== root && isFunctionValue(node)) return;
      // The binding an assignment writes is not read by it: `describe = …` does not reach `describe`.
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) written.add(assignedRoot(node.left));
      if (ts.isIdentifier(node) && !inTypeContext(node) && !written.has(node)) {
        const { declarations, through } = resolve(node);
        for (const file of through) addModule(file);
        for (const statement of declarations) reach(statement);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
        const [argument] = node.arguments;
        const targets = ts.isStringLiteralLike(argument) ? resolveRelative(from, argument.text, files) : ts.isTemplateExpression(argument) ? resolveTemplate(from, argument, files) : [];
        for (const file of targets) addModule(file, true);
      }
      ts.forEachChild(node, visit);
    };
    visit(root);
  }
  return { ranges, modules };
}
