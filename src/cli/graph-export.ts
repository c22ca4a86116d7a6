/**
 * For `daft graph`, in the process that imports the user's module (graph-child.ts): finds the
 * Pipeline export a target names and draws its Mermaid or DOT text.
 */
import { Pipeline } from "../pipeline.js";
import { CliError } from "./errors.js";

/** The subset of a Pipeline a picture needs; also satisfied by a Pipeline of another daft copy. */
export interface PictureSource {
  nodes: readonly unknown[];
  toMermaid(options?: { direction?: "TB" | "LR" }): string;
  toDot(options?: { direction?: "TB" | "LR" }): string;
}

function isPipeline(value: unknown): value is PictureSource {
  if (value instanceof Pipeline) return true;
  const candidate = value as Partial<PictureSource> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    Array.isArray(candidate.nodes) &&
    typeof candidate.toMermaid === "function" &&
    typeof candidate.toDot === "function"
  );
}

/** What a value is, in words, for "export x is …, not a Pipeline". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "function") {
    const output = (value as { meta?: { output?: unknown } }).meta?.output;
    if (typeof output === "string") return `a func() node (output "${output}")`;
    return value.name ? `a function (${value.name})` : "a function";
  }
  if (typeof value === "object") {
    const name = Object.getPrototypeOf(value)?.constructor?.name as string | undefined;
    return name && name !== "Object" ? `an instance of ${name}` : "a plain object";
  }
  return `a ${typeof value} (${JSON.stringify(value) ?? String(value)})`;
}

export function pickExport(exports: Record<string, unknown>, module: string, exportName: string | undefined): { name: string; pipeline: PictureSource } {
  const names = Object.keys(exports).sort();
  const pipelines = names.filter((name) => isPipeline(exports[name]));
  const inventory = `its exports: ${names.join(", ") || "none"}; Pipeline exports: ${pipelines.join(", ") || "none"}`;
  if (exportName === undefined) {
    if (isPipeline(exports.default)) return { name: "default", pipeline: exports.default };
    if (pipelines.length === 1) return { name: pipelines[0]!, pipeline: exports[pipelines[0]!] as PictureSource };
    if (pipelines.length === 0) throw new CliError(`${module} exports no Pipeline (${inventory})`);
    throw new CliError(`${module} exports several Pipelines; name one, e.g. ${module}#${pipelines[0]} (${inventory})`);
  }
  if (!(exportName in exports)) throw new CliError(`${module} has no export "${exportName}" (${inventory})`);
  const value = exports[exportName];
  if (!isPipeline(value)) {
    throw new CliError(`export "${exportName}" of ${module} is ${describeValue(value)}, not a Pipeline (${inventory})`);
  }
  return { name: exportName, pipeline: value };
}
