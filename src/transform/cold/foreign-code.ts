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
 * Finding the calls in compiled code needs a parse; the offsets are kept in a cache file keyed
 * by the compiled code's hash, so a warm start does not load the parser here either.
 */
import type { BuildInfo } from "../../build-info.js";
import { hashString } from "../../hashing/xxhash.js";
import { buildInfoLiteral, insertionFor, spliceInsertions, type Insertion } from "../inject.js";
import { parserIdentity } from "../parser-identity.js";
import { PersistentStore } from "../persistent-store.js";
import type { AnyNode } from "./ast.js";
import { findFuncCalls } from "./func-calls.js";
import { readInputNames, resolveFunctionNode } from "./inputs.js";
import { parseModule, SourceSyntaxError, sourceKindOf } from "./parser.js";
import { analyseScopes } from "./scope.js";
import { shiftInlineSourceMap } from "./source-map-shift.js";

/** Where each call of the compiled code takes its build info: `[offset, text before the literal]`. */
interface CallSlots {
  /** hash of the compiled code the offsets belong to */
  code: string;
  slots: Array<[offset: number, prefix: string]>;
}

export type ForeignInjection = { code: string } | { problem: string };

export class ForeignCodeInjector {
  private readonly memory = new Map<string, CallSlots>();
  private storeInstance: PersistentStore<never, CallSlots> | undefined;

  constructor(
    private readonly cacheFile: string | undefined,
    private readonly warn: (message: string) => void,
    /** `compiledParsed` counts the compiled modules that had to be parsed (not answered from the cache). */
    private readonly stats: { compiledParsed: number } = { compiledParsed: 0 },
  ) {}

  /** Opened on first use: most runs never meet code compiled by another loader. */
  private get store(): PersistentStore<never, CallSlots> | undefined {
    if (this.cacheFile && !this.storeInstance) {
      this.storeInstance = new PersistentStore<never, CallSlots>(this.cacheFile, { version: `foreign-calls.1.${parserIdentity().version}`, onWarning: this.warn });
    }
    return this.storeInstance;
  }

  /** `code` with `infos` (computed from the file on disk) injected at its func calls, in order. */
  inject(code: string, file: string, infos: readonly BuildInfo[]): ForeignInjection {
    const codeHash = hashString(code);
    let entry = this.memory.get(file) ?? this.store?.getTransform(file);
    if (!entry || entry.code !== codeHash) {
      this.stats.compiledParsed++;
      const found = findSlots(code, file, infos);
      if ("problem" in found) return found;
      entry = { code: codeHash, slots: found.slots };
      this.store?.setTransform(file, entry);
    }
    this.memory.set(file, entry);
    if (entry.slots.length !== infos.length) return { problem: mismatch(entry.slots.length, infos.length) };
    const insertions: Insertion[] = entry.slots.map(([offset, prefix], index) => [offset, prefix + buildInfoLiteral(infos[index]!)]);
    return { code: spliceWithSourceMap(code, insertions) };
  }

  save(): void {
    this.storeInstance?.save();
  }

  get unsaved(): boolean {
    return this.storeInstance?.dirty ?? false;
  }
}

function findSlots(code: string, file: string, infos: readonly BuildInfo[]): { slots: CallSlots["slots"] } | { problem: string } {
  const kind = sourceKindOf(file) ?? { language: "js", format: "unambiguous" };
  let program: AnyNode;
  try {
    // The compiled code may be ESM or CommonJS whatever the extension says.
    program = parseModule(code, { language: kind.language, format: "unambiguous" }).program as unknown as AnyNode;
  } catch (error) {
    if (!(error instanceof SourceSyntaxError)) throw error;
    return { problem: `the compiled code does not parse (${error.message})` };
  }
  const { calls } = findFuncCalls(analyseScopes(program));
  if (calls.length !== infos.length) return { problem: mismatch(calls.length, infos.length) };
  const slots: CallSlots["slots"] = [];
  for (const [index, call] of calls.entries()) {
    const info = infos[index]!;
    const names = readInputNames(resolveFunctionNode(call.fn, call.scope));
    // A compiler renames variables but never destructured keys: the names identify the call.
    if (names.ok && info.inputs && names.names.inputs.join(",") !== info.inputs.join(",")) {
      return {
        problem: `call ${index + 1} takes (${names.names.inputs.join(", ")}) in the compiled code but (${info.inputs.join(", ")}) in the file`,
      };
    }
    const [offset, text] = insertionFor(code, call.node, info);
    slots.push([offset, text.slice(0, text.indexOf("{"))]);
  }
  return { slots };
}

function mismatch(compiled: number, original: number): string {
  return `the compiled code has ${compiled} func call(s) where the file has ${original}`;
}

/** Inserts the texts, keeping an inline source map (which the compiler appended) in step. */
function spliceWithSourceMap(code: string, insertions: Insertion[]): string {
  const { output, sorted } = spliceInsertions(code, insertions);
  return shiftInlineSourceMap(output, code, sorted);
}
