/**
 * How a TypeScript file gets run: through tsx when the script's project has it installed, else
 * Node's own type stripping where this Node has it on, else a message that says how to get one of
 * the two. tsx comes first because it resolves as TypeScript does (`import "./x.js"` finds
 * `x.ts`); type stripping takes specifiers literally, so such a project would work on one Node
 * and fail on the next.
 */
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "./errors.js";

const TYPESCRIPT = /\.(ts|mts|cts)$/i;
/** Node's type stripping has no JSX: these always need tsx. */
const JSX = /\.(tsx|jsx)$/i;

export type TypeScriptSupport =
  | { kind: "not-needed" }
  | { kind: "node" }
  | { kind: "tsx"; url: string };

/** Whether this Node strips types by itself (on by default since 22.18 and 23.6, or by flag). */
export function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript);
}

/** The file URL of tsx's `--import` entry, resolved from `fromDirs` in order, or undefined. */
export function findTsx(fromDirs: readonly string[]): string | undefined {
  for (const dir of fromDirs) {
    try {
      return pathToFileURL(createRequire(join(dir, "noop.js")).resolve("tsx")).href;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** What `file` needs to be imported, or a CliError saying how to make it runnable. */
export function typeScriptSupport(file: string, cwd: string): TypeScriptSupport {
  const jsx = JSX.test(file);
  if (!jsx && !TYPESCRIPT.test(file)) return { kind: "not-needed" };
  const tsx = findTsx([dirname(file), cwd]);
  if (tsx) return { kind: "tsx", url: tsx };
  if (!jsx && nodeStripsTypes()) return { kind: "node" };
  const shown = relative(cwd, file) || file;
  if (jsx) {
    throw new CliError(`${shown} needs a compiler for JSX, and tsx is not installed in this project. Install it: npm install --save-dev tsx`);
  }
  throw new CliError(
    `${shown} is TypeScript, which Node ${process.version} does not run by itself, and tsx is not installed in this project. ` +
      "Either install tsx (npm install --save-dev tsx; daft uses it when it is there), " +
      "or use Node ≥ 22.18 or ≥ 23.6, which strip types by default (22.6 to 22.17 need NODE_OPTIONS=--experimental-strip-types).",
  );
}

/** The file URL of this package's Node loader (`daft/loader`), usable from any directory. */
export function loaderUrl(): string {
  return new URL("../../loader/index.js", import.meta.url).href;
}
