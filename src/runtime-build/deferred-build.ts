/**
 * A cached node declared without build info gets it on first use, not when it is declared: a
 * process that never runs the node (or runs it uncached) never loads the transform. Until then
 * its meta holds getters for the build fields; the first read finds the call site and runs the
 * transform (call-site-build.ts). Where that is impossible the code hash is the function's own
 * source, as without the transform, and a warning says so once for the node, naming the fix.
 */
import type { BuildInfo } from "../build-info.js";
import type { DefinitionSite } from "../definition-site.js";
import type { NodeMeta } from "../func.js";
import { buildInfoFromCallSite } from "./call-site-build.js";

/** The code of the warning, so a process that knows can silence it (`node --disable-warning=DAFT_NO_BUILD_INFO`). */
export const NO_BUILD_INFO_WARNING = "DAFT_NO_BUILD_INFO";

type BuildFields = Pick<NodeMeta, "codeHash" | "depsHashes" | "depsFiles" | "file" | "hashSource">;
const BUILD_FIELDS = ["codeHash", "depsHashes", "depsFiles", "file", "hashSource"] as const satisfies readonly (keyof BuildFields)[];

/** Defines the build fields of `meta` (not yet frozen) as getters that resolve once, together. */
export function deferBuildInfo(meta: NodeMeta, site: () => DefinitionSite | undefined, fn: Function, sourceHash: () => string, explicitInputs: boolean): void {
  let fields: BuildFields | undefined;
  const resolve = (): BuildFields => {
    if (fields) return fields;
    const found = buildInfoFromCallSite(site(), { output: meta.output, fn, explicitInputs });
    if ("info" in found) return (fields = fromBuildInfo(found.info));
    warnNoBuildInfo(meta, found.problem, found.file);
    return (fields = { codeHash: sourceHash(), depsHashes: [], depsFiles: undefined, file: undefined, hashSource: "runtime" });
  };
  for (const key of BUILD_FIELDS) Object.defineProperty(meta, key, { get: () => resolve()[key], enumerable: true, configurable: false });
}

export function fromBuildInfo(build: BuildInfo): BuildFields {
  return { codeHash: build.codeHash, depsHashes: [...build.depsHashes], depsFiles: build.depsFiles, file: build.file, hashSource: "build" };
}

function warnNoBuildInfo(meta: NodeMeta, problem: string, file: string | undefined): void {
  process.emitWarning(
    `daft: node "${meta.name}" (output "${meta.output}")${file ? ` in ${file}` : ""} has no build info: ${problem}. ` +
      "Its cache covers the function's own source only, so an edit to a helper or an imported file is not seen. " +
      "Run it with `daft run`, or `node --import daft/loader`, or build it with the daft bundler plugin.",
    { type: "DaftWarning", code: NO_BUILD_INFO_WARNING },
  );
}
