/**
 * The one place that parses (parser-identity.ts names the package). Everything else receives a Babel-shaped
 * AST (`File` → `Program`) from `parseModule`, so another parser can be swapped in here as long
 * as it produces (or is adapted to) that shape.
 *
 * @babel/parser is large (≈0.5 MB of JavaScript): it is loaded on the first file that really needs
 * parsing, through `createRequire`, which is synchronous. Files without `func` calls never pay for it.
 */
import { createRequire } from "node:module";
import type { File } from "@babel/types";
import type { ParserOptions, ParserPlugin } from "@babel/parser";
import { PARSER_PACKAGE } from "../parser-identity.js";
import { isDeclarationFile } from "../source-files.js";

type BabelParse = (code: string, options: ParserOptions) => File;

let babelParse: BabelParse | undefined;

function loadParser(): BabelParse {
  if (!babelParse) {
    const require = createRequire(import.meta.url);
    babelParse = (require(PARSER_PACKAGE) as { parse: BabelParse }).parse;
  }
  return babelParse;
}

export type SourceLanguage = "js" | "jsx" | "ts" | "tsx";
export type ModuleFormat = "module" | "commonjs" | "unambiguous";

export interface SourceKind {
  language: SourceLanguage;
  format: ModuleFormat;
}

const SOURCE_KINDS: Record<string, SourceKind> = {
  ".js": { language: "jsx", format: "unambiguous" }, // JSX in .js files is common (React projects)
  ".jsx": { language: "jsx", format: "unambiguous" },
  ".mjs": { language: "js", format: "module" },
  ".cjs": { language: "js", format: "commonjs" },
  ".ts": { language: "ts", format: "unambiguous" },
  ".tsx": { language: "tsx", format: "unambiguous" },
  ".mts": { language: "ts", format: "module" },
  // TypeScript compiles `import` in .cts files to `require`, so they may use either syntax.
  ".cts": { language: "ts", format: "unambiguous" },
};

/** The parser settings for a file name, or undefined when the file is not JavaScript/TypeScript. */
export function sourceKindOf(file: string): SourceKind | undefined {
  const dot = file.lastIndexOf(".");
  if (dot < 0) return undefined;
  const kind = SOURCE_KINDS[file.slice(dot).toLowerCase()];
  // Declaration files hold types only: they parse, but there is nothing to run or hash.
  if (kind && isDeclarationFile(file)) return { language: "ts", format: "module" };
  return kind;
}

const COMMON_PLUGINS: ParserPlugin[] = [
  "explicitResourceManagement",
  "importAttributes" as ParserPlugin,
  "decoratorAutoAccessors",
  ["decorators", { decoratorsBeforeExport: false, allowCallParenthesized: true }] as ParserPlugin,
];

function pluginsFor(language: SourceLanguage): ParserPlugin[] {
  switch (language) {
    case "js":
      return COMMON_PLUGINS;
    case "jsx":
      return [...COMMON_PLUGINS, "jsx"];
    case "ts":
      return [...COMMON_PLUGINS, "typescript"];
    case "tsx":
      return [...COMMON_PLUGINS, "typescript", "jsx"];
  }
}

/** A syntax error, with the position the parser reports (1-based line, 0-based column). */
export class SourceSyntaxError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line: number | undefined, column: number | undefined) {
    super(message);
    this.name = "SourceSyntaxError";
    this.line = line;
    this.column = column;
  }
}

/**
 * Parses a module. Throws `SourceSyntaxError` when the code is not valid for its kind.
 * Comments are not attached to nodes (nothing here needs them, and attaching costs time).
 */
export function parseModule(code: string, kind: SourceKind): File {
  const parse = loadParser();
  const options: ParserOptions = {
    sourceType: kind.format,
    plugins: pluginsFor(kind.language),
    attachComment: false,
    // CommonJS has no top-level await, and Babel rejects the option together with "commonjs".
    ...(kind.format === "commonjs" ? {} : { allowAwaitOutsideFunction: true }),
    allowImportExportEverywhere: false,
    errorRecovery: false,
  };
  try {
    return parse(code, options);
  } catch (error) {
    // `<T>(x) => x` in a .ts file, or a .js file that is really plain JS with a construct JSX
    // rejects: retry once with the other JSX setting before giving up.
    const retryLanguage = kind.language === "jsx" ? "js" : undefined;
    if (retryLanguage) {
      try {
        return parse(code, { ...options, plugins: pluginsFor(retryLanguage) });
      } catch {
        // fall through to the first error, which is the more natural one to report
      }
    }
    const loc = (error as { loc?: { line?: number; column?: number } }).loc;
    throw new SourceSyntaxError((error as Error).message, loc?.line, loc?.column);
  }
}
