/**
 * `func(options, fn)`: declares a pipeline node. The result is still callable exactly like `fn`
 * and carries `.meta`: the options, the input names and defaults, and the code fingerprint —
 * injected at build time by the transform, or derived from `fn.toString()` when it did not run.
 */
import { isBuildInfo, type BuildInfo } from "./build-info.js";
import { captureSite, definitionSite, noteNode } from "./definition-site.js";
import { DefinitionError } from "./errors.js";
import { hashString } from "./hashing/xxhash.js";
import { isNativeSource } from "./runtime-source/native-source.js";
import { readParameterNames, UnreadableParametersError } from "./runtime-source/parameters.js";
import { normaliseSource } from "./runtime-source/scan.js";
import { deferBuildInfo } from "./runtime-build/deferred-build.js";

export interface FuncOptions<O extends string = string, A extends string | undefined = string | undefined> {
  /** The name of the value this node produces; other nodes take it as an input of that name. */
  output: O;
  /** Run once per element of the run input (or upstream output) of this name. */
  mapAxis?: A;
  /** For a mapped node: the item attribute that names each item's cache entry. */
  keyAttr?: string;
  /** Look this node up in the cache (default false). */
  cache?: boolean;
  /** Per-node environment hash: bump it to invalidate this node's results. */
  cacheKey?: string;
  /** Explicit input names, for a function whose parameter names cannot be read. */
  inputs?: readonly string[];
  /** Environment variables whose values join the environment hash. */
  env?: readonly string[];
  /** Data files (paths or globs, relative to the project root) read at run time. */
  files?: readonly string[];
}

export interface NodeMeta<O extends string = string> {
  output: O;
  mapAxis: string | undefined;
  keyAttr: string | undefined;
  cache: boolean;
  cacheKey: string | undefined;
  env: readonly string[];
  files: readonly string[];
  /** The function's name, or its output when it is anonymous. */
  name: string;
  /** Input names, in the order of the parameter pattern. */
  inputs: readonly string[];
  /** Input names that have a default value in the pattern. */
  defaults: readonly string[];
  codeHash: string;
  /** Cumulative dependency hashes per import level (index 0 = depth 1); empty without build info. */
  depsHashes: readonly string[];
  /** Files reached through imports, `[path, level, hash]`, when the build info lists them. */
  depsFiles: BuildInfo["depsFiles"];
  /** True when the transform's depth limit cut the closure short (BuildInfo.depsLimited). */
  depsLimited: boolean;
  /** The declaring file, relative to the project root (build info only). */
  file: string | undefined;
  hashSource: "build" | "runtime";
}

/** Type-level facts about a node, read by `Pipeline` and `Runner` to type runs. Never set at run time. */
export interface NodeTypes<O extends string, P, R, A extends string | undefined> {
  output: O;
  params: P;
  result: R;
  mapAxis: A;
}

/** Type-only key of `NodeTypes` on a node; it exists for the type checker only. */
export declare const nodeTypes: unique symbol;

export type DaftFunction<O extends string = string, P = any, R = unknown, A extends string | undefined = string | undefined> = ((
  input: P,
) => R) & {
  readonly meta: NodeMeta<O>;
  readonly [nodeTypes]?: NodeTypes<O, P, R, A>;
};

/** The original function behind a node, so the runner calls it without the wrapper's extra frame. */
export const originalFunction: unique symbol = Symbol("daft.fn");

export function func<const O extends string, P, R, const A extends string | undefined = undefined>(
  options: FuncOptions<O, A>,
  fn: (input: P) => R,
  /**
   * The build info, injected by daft's build step (the Node loader or a bundler plugin) into
   * the compiled code; never pass it yourself. Declared so that the injected code type-checks
   * where a TypeScript compiler runs after daft (ts-loader in webpack, for one).
   */
  build?: BuildInfo,
): DaftFunction<O, P, R, A>;
export function func(options: FuncOptions, fn: (input: never) => unknown, build?: BuildInfo): DaftFunction {
  const given = isBuildInfo(build) ? build : undefined;
  const meta = buildMeta(options, fn, given);
  // Where it was defined, so worker threads and `daft worker` processes can load the same node.
  const site = captureSite(meta.output, func);
  Object.defineProperty(meta, definitionSite, { value: site });
  // A cached node the transform did not reach gets its build info from its call site on first use.
  if (!given && meta.cache) deferBuildInfo(meta, () => site, fn, () => runtimeCodeHash(fn), options.inputs !== undefined);
  noteNode({ site, meta, fn: fn as (input: Record<string, unknown>) => unknown });
  const node = function (this: unknown, ...args: unknown[]) {
    return (fn as (...a: unknown[]) => unknown).apply(this, args);
  };
  Object.defineProperty(node, "name", { value: fn.name || meta.output });
  Object.defineProperty(node, "length", { value: fn.length });
  Object.defineProperty(node, "meta", { value: Object.freeze(meta), enumerable: true });
  Object.defineProperty(node, originalFunction, { value: fn });
  return node as unknown as DaftFunction;
}

function describe(options: FuncOptions, fn: Function): string {
  return fn.name ? `func "${fn.name}" (output "${options.output}")` : `func with output "${String(options.output)}"`;
}

function checkOptions(options: FuncOptions, fn: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new DefinitionError(`func(options, fn): options must be an object like { output: "name" }, got ${String(options)}`);
  }
  if (typeof fn !== "function") {
    throw new DefinitionError(`func with output "${String(options.output)}": the second argument must be a function, got ${typeof fn}`);
  }
  if (typeof options.output !== "string" || options.output === "") {
    throw new DefinitionError(`${describe(options, fn)}: options.output must be a non-empty string naming the value it produces`);
  }
  for (const key of ["inputs", "env", "files"] as const) {
    const list = options[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== "string"))) {
      throw new DefinitionError(`${describe(options, fn)}: options.${key} must be an array of strings`);
    }
  }
  if (options.mapAxis !== undefined && typeof options.mapAxis !== "string") {
    throw new DefinitionError(`${describe(options, fn)}: options.mapAxis must be the name of an input`);
  }
}

function buildMeta(options: FuncOptions, fn: Function, build: BuildInfo | undefined): NodeMeta {
  checkOptions(options, fn);
  if (build === undefined && options.cache === true) refuseHiddenSource(options, fn);
  const names = inputNames(options, fn, build);
  return {
    output: options.output,
    mapAxis: options.mapAxis,
    keyAttr: options.keyAttr,
    cache: options.cache === true,
    cacheKey: options.cacheKey,
    env: [...(options.env ?? [])],
    files: [...(options.files ?? [])],
    name: fn.name || options.output,
    inputs: names.inputs,
    defaults: names.defaults,
    // Without build info a cached node's build fields are replaced by getters (deferBuildInfo).
    codeHash: build ? build.codeHash : options.cache === true ? "" : runtimeCodeHash(fn),
    depsHashes: build ? [...build.depsHashes] : [],
    depsFiles: build?.depsFiles,
    depsLimited: build?.depsLimited === true,
    file: build?.file,
    hashSource: build ? "build" : "runtime",
  };
}

/** Explicit `inputs` win; then the build info; then the function's own source. */
function inputNames(options: FuncOptions, fn: Function, build: BuildInfo | undefined): { inputs: string[]; defaults: string[] } {
  if (options.inputs) {
    const inputs = [...options.inputs];
    const known = build?.defaults ?? tryReadDefaults(fn);
    return { inputs, defaults: known.filter((name) => inputs.includes(name)) };
  }
  // The transform leaves `inputs` out when it cannot read them; the source is the next resort.
  if (build?.inputs) return { inputs: [...build.inputs], defaults: [...(build.defaults ?? [])] };
  try {
    return readParameterNames(fn as (...args: never[]) => unknown);
  } catch (error) {
    if (!(error instanceof UnreadableParametersError)) throw error;
    throw new DefinitionError(
      `${describe(options, fn)}: cannot read its input names: ${error.message}. ` +
        `Name them explicitly, e.g. func({ output: "${options.output}", inputs: ["a", "b"] }, fn), ` +
        `or build with the daft transform (node --import daft/loader, or the Vite/Rollup/esbuild plugin).`,
    );
  }
}

function tryReadDefaults(fn: Function): string[] {
  try {
    return readParameterNames(fn as (...args: never[]) => unknown).defaults;
  } catch {
    return [];
  }
}

/**
 * A cached node needs a code hash; without build info it comes from the function's source, which
 * a bound function, a Proxy around a function or a native one does not show (`fn.toString()` is
 * `function () { [native code] }` for all of them, and JavaScript cannot reach a bound
 * function's target). Hashing that text would make all such nodes share their results.
 */
function refuseHiddenSource(options: FuncOptions, fn: Function): void {
  const source = Function.prototype.toString.call(fn);
  if (!isNativeSource(source)) return;
  const what = typeof fn.name === "string" && fn.name.startsWith("bound ") ? "a bound function (made with .bind())" : "a native function or a Proxy around one";
  throw new DefinitionError(
    `${describe(options, fn)}: its function is ${what}, whose source daft cannot read at run time, so it has no code hash to cache by. ` +
      `Pass the function itself (an arrow function that calls it, e.g. ({ a }) => target.call(owner, { a }), is hashed by its source), ` +
      `or build with the daft transform (node --import daft/loader, or the Vite/Rollup/esbuild plugin), which hashes the code where the node is declared.`,
  );
}

/** Without the transform, the code hash covers the function's own source only (no helpers). */
function runtimeCodeHash(fn: Function): string {
  return hashString(`runtime:${normaliseSource(Function.prototype.toString.call(fn))}`);
}
