// Whether two versions of a TypeScript module run the same code: equal once types, comments and
// layout are gone and the names of local variables and parameters are replaced by their order of
// declaration. Module-level names, property names and literals count as written.
import ts from "typescript";

const FILE = "/module.js";

/** The module's tokens, types and comments removed, each local binding named by its declaration order. */
export function normalisedCode(typescript) {
  const javascript = ts.transpileModule(typescript, {
    compilerOptions: { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true, removeComments: true },
  }).outputText;
  const host = {
    fileExists: (name) => name === FILE,
    readFile: (name) => (name === FILE ? javascript : undefined),
    getSourceFile: (name, languageVersion) => (name === FILE ? ts.createSourceFile(name, javascript, languageVersion, true, ts.ScriptKind.JS) : undefined),
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
  };
  const program = ts.createProgram([FILE], { allowJs: true, noLib: true, noResolve: true, types: [] }, host);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(FILE);
  const localNames = new Map();
  const tokens = [];
  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      const declaration = symbol?.declarations?.[0];
      const isLocal = declaration && declaration.getSourceFile() === sourceFile && ts.findAncestor(declaration.parent, ts.isFunctionLike);
      if (isLocal) {
        if (!localNames.has(symbol)) localNames.set(symbol, `$${localNames.size}`);
        tokens.push(localNames.get(symbol));
      } else tokens.push(node.text);
      return;
    }
    const children = node.getChildren(sourceFile);
    if (children.length === 0) tokens.push(node.getText(sourceFile));
    else for (const child of children) visit(child);
  };
  visit(sourceFile);
  return tokens.join(" ");
}

export function sameCode(before, after) {
  return normalisedCode(before) === normalisedCode(after);
}
