/**
 * Where a `func` node was defined, so that another thread or process can find the same node:
 * the URL of the module whose code called `func()` (read from the stack at that moment) and the
 * node's ordinal among the nodes of that module with the same output. A worker imports that
 * module and picks the node with the same output and ordinal; the module's own code defines it,
 * exactly as in the process that runs the pipeline.
 *
 * Workers record every node defined while they import a module (`recordNodes`); other processes
 * keep only a counter per module and output, never the nodes themselves.
 */
import { pathToFileURL } from "node:url";
import { DaftError } from "./errors.js";
import type { NodeMeta } from "./func.js";

export interface DefinitionSite {
  /** The defining module's URL (`file:///…`), or undefined when the stack names no file (eval). */
  readonly module: string | undefined;
  /** How many nodes with the same output that module defined before this one. */
  readonly ordinal: number;
  /** Where the `func()` call is in the module's code as it ran (1-based; may be compiled code's). */
  readonly line?: number;
  readonly column?: number;
  /** The call is in code run by `eval` or `new Function`: the module's file does not hold it. */
  readonly evaluated?: boolean;
}

/** The key of a node's site on its (frozen) meta: not enumerable, so it shows nowhere. */
export const definitionSite: unique symbol = Symbol.for("daft.definitionSite") as never;

interface SiteState {
  counters: Map<string, number>;
  /** Set in workers: module URL → nodes it defined, in definition order. */
  recorded: Map<string, RecordedNode[]> | undefined;
  /** Set in workers while a module is imported: its URL (a pipeline run then is refused). */
  importing: string | undefined;
  /** The error of a run refused during the current import (thrown by the import even if the module did not await it). */
  refused: Error | undefined;
}

export interface RecordedNode {
  site: DefinitionSite;
  meta: NodeMeta;
  fn: (input: Record<string, unknown>) => unknown;
}

// On globalThis, so two copies of daft in one process (a linked and an installed one) agree.
const STATE_KEY = Symbol.for("daft.definitionSites");
const state: SiteState = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= {
  counters: new Map(),
  recorded: undefined,
  importing: undefined,
  refused: undefined,
}) as SiteState;

/** The site of the `func()` call whose frame is just above `callee`. Costs a few µs per node. */
export function captureSite(output: string, callee: Function): DefinitionSite {
  const { module, line, column, evaluated } = callerFrame(callee);
  const counterKey = `${module ?? ""}\u0000${output}`;
  const ordinal = state.counters.get(counterKey) ?? 0;
  state.counters.set(counterKey, ordinal + 1);
  return { module, ordinal, line, column, evaluated };
}

function callerFrame(callee: Function): { module: string | undefined; line?: number; column?: number; evaluated?: boolean } {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  // Raw call sites: a source-map or tsx stack formatter must not rewrite the file name.
  Error.stackTraceLimit = 1;
  Error.prepareStackTrace = (_error, frames) => frames;
  try {
    Error.captureStackTrace(holder, callee);
    const frames = holder.stack as NodeJS.CallSite[] | undefined;
    const frame = Array.isArray(frames) ? frames[0] : undefined;
    const file = frame?.getFileName();
    if (!file) return { module: undefined };
    const module = /^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? file : pathToFileURL(file).href;
    if (frame!.isEval()) return { module, evaluated: true };
    return { module, line: frame!.getLineNumber() ?? undefined, column: frame!.getColumnNumber() ?? undefined };
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
  }
}

/** In a worker: from now on, remember every node defined, by module. */
export function recordNodes(): void {
  state.recorded ??= new Map();
}

/** Called by `func()` for each node; keeps it only where `recordNodes()` was called. */
export function noteNode(node: RecordedNode): void {
  const module = node.site.module;
  if (!state.recorded || module === undefined) return;
  let list = state.recorded.get(module);
  if (!list) state.recorded.set(module, (list = []));
  list.push(node);
}

/** The nodes recorded so far, by defining module. */
export function recordedNodes(): ReadonlyMap<string, readonly RecordedNode[]> {
  return state.recorded ?? new Map();
}

/** Runs `load` with pipeline runs refused (they would start again in every worker). */
export async function whileImporting<T>(module: string, load: () => Promise<T>): Promise<T> {
  const outer = { importing: state.importing, refused: state.refused };
  state.importing = module;
  state.refused = undefined;
  try {
    const loaded = await load();
    if (state.refused) throw state.refused;
    return loaded;
  } finally {
    state.importing = outer.importing;
    state.refused = outer.refused;
  }
}

/**
 * Called by `runner.run()`: while a worker imports a module, the error to throw (the module runs
 * a pipeline when imported, which every worker would do again); otherwise undefined.
 */
export function runRefusedWhileImporting(): Error | undefined {
  const module = state.importing;
  if (module === undefined) return undefined;
  state.refused ??= new PipelineOnImportError(module);
  return state.refused;
}

export class PipelineOnImportError extends DaftError {
  override name = "PipelineOnImportError";
  constructor(readonly module: string) {
    super(
      `${module} runs a pipeline when imported: runner.run() was called while a worker imported the module to load its nodes, ` +
        "and every worker would run the pipeline again. This module runs a pipeline when imported; move nodes to a module of their own " +
        "(one that only defines and exports them) and run the pipeline from a script that imports it.",
    );
  }
}
