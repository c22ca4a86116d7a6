/**
 * Build info for a cached node whose `func` call was not transformed (plain `node`, tsx without
 * daft/loader, a test runner): the same transform the loader runs, applied at the node's first
 * use to the file its call sits in, with the same cache file, so the hashes are the loader's.
 *
 * The file comes from the stack frame `func()` saw (definition-site.ts). Within it, the call is
 * the one whose range holds the frame's position and whose literal `output` is the node's; where
 * the code ran compiled (tsx, vitest) positions shift, and the call is then the only one in the
 * file with that output. Anything less certain gives no build info, with the reason: a wrong
 * match would hash another function.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildInfo } from "../build-info.js";
import { debugTransform } from "../debug/index.js";
import type { DefinitionSite } from "../definition-site.js";
import { findProjectRoot } from "../project-root.js";
import { readParameterNames } from "../runtime-source/parameters.js";
import type { FuncCallSite, TransformResult } from "../transform/index.js";
import { loadTransform, type TransformFace } from "./transform-access.js";

export interface NodeToLocate {
  output: string;
  fn: Function;
  /** Input names given in the options: the function's own pattern then need not match. */
  explicitInputs: boolean;
}

/** The build info, or why there is none (and the file it was looked for in, when known). */
export type CallSiteBuild = { info: BuildInfo } | { problem: string; file?: string };

type Transformer = ReturnType<TransformFace["createTransformer"]>;

/** One transformer per cache file, saved when the process exits (as the loader saves its own). */
const transformers = new Map<string, Transformer>();

export function buildInfoFromCallSite(site: DefinitionSite | undefined, node: NodeToLocate): CallSiteBuild {
  const module = site?.module;
  if (!site || module === undefined) return { problem: "the stack names no file for its func() call" };
  if (site.evaluated) return { problem: "its func() call is in code run by eval or new Function" };
  if (!module.startsWith("file:")) return { problem: `its func() call is in ${module}, which is not a file` };
  let file: string;
  try {
    file = fileURLToPath(module.replace(/[?#].*$/s, ""));
  } catch {
    return { problem: `its func() call is in ${module}, which is not a file path` };
  }
  if (debugTransform.enabled) debugTransform(`build info at run time for node "${node.output}" from ${module}:${site.line ?? "?"}`);
  const transform = loadTransform();
  if (transform.transformablePath(file) === undefined) return { problem: "its file is not a source file daft transforms (or is in node_modules)", file };
  const transformed = transformedFile(transform, file);
  if ("problem" in transformed) return { problem: transformed.problem, file };
  const { code, result } = transformed;
  if (!result) return { problem: "the file as written has no func() call of daft's func, imported from daft or a module re-exporting it (code bundled without the daft plugin?)", file };
  const index = matchCall(code, result.callSites, site, node.output);
  if (typeof index === "string") return { problem: index, file };
  const info = result.buildInfos[index]!;
  const problem = node.explicitInputs ? undefined : inputsProblem(info, node.fn);
  return problem === undefined ? { info } : { problem, file };
}

/** A file's code and transform, once per process: its nodes are resolved together, when a run starts. */
const files = new Map<string, { code: string; result: TransformResult | undefined } | { problem: string }>();

function transformedFile(transform: TransformFace, file: string): { code: string; result: TransformResult | undefined } | { problem: string } {
  let known = files.get(file);
  if (!known) {
    let code: string | undefined;
    try {
      code = readFileSync(file, "utf8");
    } catch (error) {
      known = { problem: `its file cannot be read (${(error as Error).message})` };
    }
    // The node's func call is known to run here, also when this module calls func through a
    // wrapper and never names "daft" (the check that spares other modules would skip it).
    if (code !== undefined) known = { code, result: transformerFor(transform, file).transform(code, file, { callsFunc: true }) };
    files.set(file, known!);
  }
  return known!;
}

function transformerFor(transform: TransformFace, file: string): Transformer {
  const cacheFile = transform.transformCacheFile(findProjectRoot(dirname(file))) ?? "";
  let transformer = transformers.get(cacheFile);
  if (!transformer) {
    const made = transform.createTransformer({ persistentCacheFile: cacheFile || false, onWarning: warnOnce });
    transformers.set(cacheFile, made);
    if (transformers.size === 1) process.once("exit", saveAll);
    transformer = made;
  }
  return transformer;
}

function saveAll(): void {
  for (const transformer of transformers.values()) {
    try {
      transformer.save();
    } catch {
      // The cache is an optimisation: a failed write only costs recomputing next time.
    }
  }
}

const warned = new Set<string>();

/** The transform's own warnings (a non-literal import(), a call it cannot read), once each. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, "DaftWarning");
}

/** The index of the node's call among the file's calls, or why it cannot be told. */
function matchCall(code: string, calls: readonly FuncCallSite[], site: DefinitionSite, output: string): number | string {
  const offset = site.line === undefined ? undefined : offsetOf(code, site.line, site.column ?? 1);
  const fits = (index: number) => calls[index]!.output === undefined || calls[index]!.output === output;
  if (offset !== undefined) {
    let best: number | undefined;
    calls.forEach((call, index) => {
      if (call.start <= offset && offset <= call.end && fits(index) && (best === undefined || call.start > calls[best]!.start)) best = index;
    });
    if (best !== undefined) return best;
  }
  const named = calls.flatMap((call, index) => (call.output === output ? [index] : []));
  if (named.length === 1) return named[0]!;
  return named.length === 0
    ? `no func() call with output "${output}" written as a literal was found in its file`
    : `its file has ${named.length} func() calls with output "${output}" and the stack position does not say which (the code ran compiled)`;
}

/** The offset of a 1-based line and column in `code` (undefined past its end). */
function offsetOf(code: string, line: number, column: number): number | undefined {
  let start = 0;
  for (let current = 1; current < line; current++) {
    const next = code.indexOf("\n", start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const offset = start + column - 1;
  return offset <= code.length ? offset : undefined;
}

/** The call found must be this function: its input names are the ones the function's pattern reads. */
function inputsProblem(info: BuildInfo, fn: Function): string | undefined {
  if (info.inputs === undefined) return undefined;
  let names: readonly string[];
  try {
    names = readParameterNames(fn as (...args: never[]) => unknown).inputs;
  } catch {
    return undefined;
  }
  if (names.length === info.inputs.length && names.every((name, index) => name === info.inputs![index])) return undefined;
  return `the func() call found in its file reads inputs (${info.inputs.join(", ")}), not the function's (${names.join(", ")})`;
}
