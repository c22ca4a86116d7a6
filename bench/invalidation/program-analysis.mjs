// What the corpus code reads, found with the TypeScript compiler's own binder and checker (so
// scopes, shadowing, imports, re-exports and `export *` resolve exactly as TypeScript resolves
// them). Used by the ground truth only; it knows nothing of daft.
//
// Offsets are string offsets of the .ts files as written, the same offsets V8 coverage reports
// when Node's type stripping runs them (see probe.mjs).
import { join, relative } from "node:path";
import ts from "typescript";
import { corpusFiles } from "./corpus.mjs";

/** Arrow functions, function expressions, methods and accessors: code that runs only when called. */
function isFunctionLike(node) {
  return (
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** A function that is called where it is written, `(() => …)()`, runs with the code around it. */
function isImmediatelyCalled(node) {
  let child = node;
  let parent = node.parent;
  while (parent && ts.isParenthesizedExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  return Boolean(parent && ts.isCallExpression(parent) && parent.expression === child);
}

/** A function inside `node` whose body runs only when it is called (its coverage decides), not with `node`. */
function isHole(node) {
  return isFunctionLike(node) && !isImmediatelyCalled(node);
}

/** Whether an identifier sits in a type (annotation, generic argument, interface…), which does not run. */
export function inTypeContext(node) {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isExpressionWithTypeArguments(parent) && parent.expression === child) {
      // `class A extends B<T>`: B is a value; `implements B` and interface `extends` are types.
      const clause = parent.parent;
      return !(ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(clause.parent));
    }
    if (ts.isTypeNode(parent) || ts.isInterfaceDeclaration(parent) || ts.isTypeAliasDeclaration(parent)) return true;
    if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) return true;
    if (ts.isSourceFile(parent)) return false;
  }
  return false;
}

/** Statements at the top of a module that are not declarations: they run when it is imported. */
export function isModuleStatement(statement) {
  return !(
    ts.isImportDeclaration(statement) ||
    ts.isImportEqualsDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isVariableStatement(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement) ||
    ts.isEmptyStatement(statement)
  );
}

/**
 * `[start, end)` of `node` minus the functions nested in it that it does not call, and those
 * nested functions. `runs` is a function-like node that counts as called (a function that ran).
 */
function rangesWithoutHoles(node, sourceFile, runs) {
  const holes = [];
  const visit = (child) => {
    if (child !== node && child !== runs && isHole(child)) holes.push([child.getStart(sourceFile), child.end]);
    else ts.forEachChild(child, visit);
  };
  visit(node);
  const ranges = [];
  let start = node.getStart(sourceFile);
  for (const [holeStart, holeEnd] of holes) {
    if (holeStart > start) ranges.push([start, holeStart]);
    start = Math.max(start, holeEnd);
  }
  if (node.end > start) ranges.push([start, node.end]);
  return { ranges, holes };
}

/**
 * The top-level statements of a module that are not declarations, as ranges, minus the bodies of
 * functions they only define (`f = () => …`, `Cls.prototype.m = function …`): those count when
 * they run. Works on any text (an edited file too), without a program.
 */
export function moduleStatementRanges(text, fileName = "module.ts") {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return sourceFile.statements.filter(isModuleStatement).flatMap((statement) => rangesWithoutHoles(statement, sourceFile).ranges);
}

/** A TypeScript program over the corpus at `dir`, and what executed code reads in it. */
export function analyseProgram(dir) {
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} });
  const rootNames = corpusFiles(dir).filter((file) => file.endsWith(".ts")).map((file) => join(dir, file));
  const program = ts.createProgram(rootNames, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const fileOf = (sourceFile) => relative(dir, sourceFile.fileName).split("\\").join("/");
  const inCorpus = (sourceFile) => !sourceFile.isDeclarationFile && !fileOf(sourceFile).startsWith("..") && !fileOf(sourceFile).includes("node_modules/");

  /** The top-level declaration statement a declaration belongs to, if it is one of a module's bindings. */
  function moduleLevel(declaration) {
    if (ts.isVariableDeclaration(declaration)) {
      const statement = declaration.parent?.parent;
      return statement && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent) ? statement : undefined;
    }
    if ((ts.isFunctionDeclaration(declaration) || ts.isClassDeclaration(declaration)) && ts.isSourceFile(declaration.parent)) return declaration;
    return undefined;
  }

  /**
   * The module-level declarations an identifier refers to, following imports and re-exports, and
   * the files the reference passes through (the module each import names, each re-export).
   */
  function resolve(identifier) {
    const parent = identifier.parent;
    let symbol =
      parent && ts.isShorthandPropertyAssignment(parent) && parent.name === identifier
        ? checker.getShorthandAssignmentValueSymbol(parent)
        : checker.getSymbolAtLocation(identifier);
    const through = new Set();
    for (let steps = 0; symbol && symbol.flags & ts.SymbolFlags.Alias && steps < 20; steps++) {
      for (const declaration of symbol.declarations ?? []) {
        const moduleSpecifier = ts.findAncestor(declaration, (node) => ts.isImportDeclaration(node) || ts.isExportDeclaration(node))?.moduleSpecifier;
        const target = moduleSpecifier && checker.getSymbolAtLocation(moduleSpecifier)?.valueDeclaration;
        if (target && ts.isSourceFile(target) && inCorpus(target)) through.add(fileOf(target));
      }
      symbol = checker.getImmediateAliasedSymbol(symbol);
    }
    const declarations = (symbol?.declarations ?? [])
      .map(moduleLevel)
      .filter((statement) => statement && inCorpus(statement.getSourceFile()));
    return { declarations, through };
  }

  /** The function a declaration binds (a function declaration, or `const f = () => …`), if it binds one. */
  function boundFunction(statement) {
    if (ts.isFunctionDeclaration(statement)) return statement;
    if (!ts.isVariableStatement(statement)) return undefined;
    const [declaration, ...others] = statement.declarationList.declarations;
    return others.length === 0 && declaration.initializer && isFunctionLike(declaration.initializer) ? declaration.initializer : undefined;
  }

  /** Whether `identifier` is what a call or `new` invokes. */
  function isCallee(identifier) {
    const parent = identifier.parent;
    return Boolean(parent && (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === identifier);
  }

  /**
   * What code that ran reads, transitively:
   * - `data`: for each file, the ranges of the module-level declarations read by executed code or
   *   by the initialisers of declarations it reads: variables and classes minus the functions in
   *   them (which count when they run); a function's body counts here only if such an
   *   initialiser calls it (it ran when its module was imported, and shaped the data), again
   *   minus the functions nested in it;
   * - `used`: the files whose code ran or whose bindings were read, and the modules the references
   *   pass through (barrels).
   * `executed(file, offset)` says whether the code at an offset ran.
   */
  function reads(executedFiles, executed) {
    const data = new Map();
    const used = new Set(executedFiles);
    const seen = new Set();
    const queue = [];

    const include = (statement, calledAtInit) => {
      const key = `${fileOf(statement.getSourceFile())}:${statement.pos}:${calledAtInit}`;
      if (seen.has(key)) return;
      seen.add(key);
      queue.push({ statement, calledAtInit });
    };

    const reference = (identifier, fromData) => {
      if (inTypeContext(identifier)) return;
      const { declarations, through } = resolve(identifier);
      for (const file of through) used.add(file);
      for (const statement of declarations) include(statement, fromData && isCallee(identifier) && Boolean(boundFunction(statement)));
    };

    for (const file of executedFiles) {
      const sourceFile = program.getSourceFile(join(dir, file));
      if (!sourceFile) continue;
      const visit = (node) => {
        if (ts.isIdentifier(node) && executed(file, node.getStart(sourceFile))) reference(node, false);
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
    }

    while (queue.length > 0) {
      const { statement, calledAtInit } = queue.shift();
      const sourceFile = statement.getSourceFile();
      const file = fileOf(sourceFile);
      used.add(file);
      // A function that is only referenced runs later, if at all: its coverage decides.
      if (ts.isFunctionDeclaration(statement) && !calledAtInit) continue;
      const { ranges, holes } = rangesWithoutHoles(statement, sourceFile, calledAtInit ? boundFunction(statement) : undefined);
      if (!data.has(file)) data.set(file, []);
      data.get(file).push(...ranges);
      const inHole = (node) => holes.some(([start, end]) => start <= node.getStart(sourceFile) && node.end <= end);
      const visit = (node) => {
        if (inHole(node)) return;
        if (ts.isIdentifier(node)) reference(node, true);
        ts.forEachChild(node, visit);
      };
      visit(statement);
    }
    return { data, used };
  }

  return { reads, program, checker, resolve, fileOf };
}
