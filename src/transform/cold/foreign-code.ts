/**
 * Build info for code that another tool has already compiled.
 *
 * Hooks run last-registered first, so with `--import tsx --import daft/loader` daft's hook sees
 * tsx's output (minified JavaScript, perhaps CommonJS) rather than the file on disk. Hashing
 * that output would give other hashes than every other way of running the same file. Instead
 * the build info always comes from the file on disk (through the transformer and its caches),
 * and is injected into the compiled code at its `func` calls, matched in source order — a
 * compiler keeps the order of calls, and the input names of each pair are compared to be sure.
 *
 * Finding the calls in compiled code needs a parse; their positions (offsets, nothing else) are
 * kept in a cache file keyed by the compiled code's hash, so a warm start does not parse here
 * either. The text that goes in is made from the build info each time (inject.ts).
 */
import type { BuildInfo } from "../../build-info.js";
import { hashString } from "../../hashing/xxhash.js";
import { injectedCode, insertionsFor, spliceInsertions, type CallPosition, type InjectedCode, type Insertion } from "../inject.js";
import { parserIdentity } from "../parser-identity.js";
import { PersistentStore, type StoreSection } from "../persistent-store.js";
import { compiledCallsProblem, type CompiledCallsEntry } from "../stored-data.js";
import type { AnyNode } from "./ast.js";
import { FUNC_CALLS_VERSION } from "../versions.js";
import { findFuncCalls, type ReexportCheck } from "./func-calls.js";
import { readInputNames, resolveFunctionNode } from "./inputs.js";
import { callPosition } from "./module-transform.js";
import { parseModule, SourceSyntaxError, sourceKindOf } from "./parser.js";
import { analyseScopes } from "./scope.js";
import { shiftInlineSourceMap } from "./source-map-shift.js";
import { saveStore } from "./store-writer.js";

/** The compiled code with the build info in (and the source map of the insertions), or why not. */
export type ForeignInjection = InjectedCode | { problem: string };

export class ForeignCodeInjector {
  private readonly memory = new Map<string, CompiledCallsEntry>();
  private storeInstance: PersistentStore | undefined;
  private stored: StoreSection<CompiledCallsEntry> | undefined;

  constructor(
    private readonly cacheFile: string | undefined,
    private readonly warn: (message: string) => void,
    /** `compiledParsed` counts the compiled modules that had to be parsed (not answered from the cache). */
    private readonly stats: { compiledParsed: number } = { compiledParsed: 0 },
  ) {}

  /** Opened on first use: most runs never meet code compiled by another loader. */
  private get store(): StoreSection<CompiledCallsEntry> | undefined {
    if (this.cacheFile && !this.storeInstance) {
      this.storeInstance = new PersistentStore(this.cacheFile, { version: `compiled-calls.2.${FUNC_CALLS_VERSION}.${parserIdentity().version}`, onWarning: this.warn });
      this.stored = this.storeInstance.section<CompiledCallsEntry>("transforms", compiledCallsProblem);
      this.storeInstance.section("files", () => "this file keeps no file records");
    }
    return this.stored;
  }

  /**
   * `code` with `infos` (computed from the file on disk) injected at its func calls, in order;
   * `isReexportedFunc` tells calls through a wrapper module, as for the file on disk.
   */
  inject(code: string, file: string, infos: readonly BuildInfo[], isReexportedFunc?: ReexportCheck): ForeignInjection {
    const codeHash = hashString(code);
    const known = this.memory.get(file) ?? this.store?.get(file);
    let insertions = known?.code === codeHash ? insertionsFor(code, known.calls, infos) : undefined;
    if (!insertions) {
      this.stats.compiledParsed++;
      const found = findCalls(code, file, infos, isReexportedFunc);
      if ("problem" in found) return found;
      const entry = { code: codeHash, calls: found.calls };
      this.store?.set(file, entry);
      this.memory.set(file, entry);
      insertions = insertionsFor(code, entry.calls, infos)!;
    } else {
      this.memory.set(file, known!);
    }
    return spliceWithSourceMap(code, file, insertions);
  }

  save(): void {
    if (this.storeInstance) saveStore(this.storeInstance);
  }

  get unsaved(): boolean {
    return this.storeInstance?.dirty ?? false;
  }
}

function findCalls(code: string, file: string, infos: readonly BuildInfo[], isReexportedFunc: ReexportCheck | undefined): { calls: CallPosition[] } | { problem: string } {
  const kind = sourceKindOf(file) ?? { language: "js", format: "unambiguous" };
  let program: AnyNode;
  try {
    // The compiled code may be ESM or CommonJS whatever the extension says.
    program = parseModule(code, { language: kind.language, format: "unambiguous" }).program as unknown as AnyNode;
  } catch (error) {
    if (!(error instanceof SourceSyntaxError)) throw error;
    return { problem: `the compiled code does not parse (${error.message})` };
  }
  const { calls } = findFuncCalls(analyseScopes(program), isReexportedFunc);
  if (calls.length !== infos.length) return { problem: mismatch(calls.length, infos.length) };
  for (const [index, call] of calls.entries()) {
    const info = infos[index]!;
    const names = readInputNames(resolveFunctionNode(call.fn, call.scope));
    // A compiler renames variables but never destructured keys: the names identify the call.
    if (names.ok && info.inputs && names.names.inputs.join(",") !== info.inputs.join(",")) {
      return {
        problem: `call ${index + 1} takes (${names.names.inputs.join(", ")}) in the compiled code but (${info.inputs.join(", ")}) in the file`,
      };
    }
  }
  return { calls: calls.map((call) => callPosition(call.node)) };
}

function mismatch(compiled: number, original: number): string {
  return `the compiled code has ${compiled} func call(s) where the file has ${original}`;
}

/** Inserts the texts, keeping an inline source map (which the compiler appended) in step. */
function spliceWithSourceMap(code: string, file: string, insertions: readonly Insertion[]): InjectedCode {
  const { output, sorted } = spliceInsertions(code, insertions);
  return injectedCode(code, shiftInlineSourceMap(output, code, sorted), sorted, file);
}
