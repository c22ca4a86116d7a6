/**
 * `daft graph <module>#<export> [--format mermaid|dot|svg] [--direction TB|LR] [--out file]`:
 * imports the module, takes the named Pipeline export and prints or writes its picture.
 * Without `#export`, the module's one Pipeline export (or its default export) is used.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { Pipeline } from "../pipeline.js";
import { dotToSvg } from "../pictures/index.js";
import { CliError, UsageError } from "./errors.js";
import { importUserModule } from "./import-module.js";

export type PictureFormat = "mermaid" | "dot" | "svg";
export const PICTURE_FORMATS: PictureFormat[] = ["mermaid", "dot", "svg"];

export interface GraphOptions {
  format?: PictureFormat;
  direction?: "TB" | "LR";
  out?: string;
}

/** The subset of a Pipeline a picture needs; also satisfied by a Pipeline of another daft copy. */
interface PictureSource {
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

export function parseTarget(target: string): { module: string; exportName: string | undefined } {
  const hash = target.lastIndexOf("#");
  if (hash === -1) return { module: target, exportName: undefined };
  const module = target.slice(0, hash);
  const exportName = target.slice(hash + 1);
  if (module === "" || exportName === "") throw new UsageError(`expected <module>#<export>, e.g. src/pipeline.ts#pipeline; got "${target}"`);
  return { module, exportName };
}

function pickExport(exports: Record<string, unknown>, module: string, exportName: string | undefined): { name: string; pipeline: PictureSource } {
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

function formatOf(options: GraphOptions): PictureFormat {
  if (options.format) return options.format;
  const extension = options.out ? extname(options.out).toLowerCase() : "";
  if (extension === ".svg") return "svg";
  if (extension === ".dot" || extension === ".gv") return "dot";
  return "mermaid";
}

async function picture(pipeline: PictureSource, format: PictureFormat, direction: "TB" | "LR" | undefined): Promise<string> {
  const options = direction ? { direction } : {};
  if (format === "mermaid") return pipeline.toMermaid(options);
  const dot = pipeline.toDot(options);
  return format === "dot" ? dot : dotToSvg(dot);
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolvePromise, reject) => stream.write(text, (error) => (error ? reject(error) : resolvePromise())));
}

export async function graphCommand(target: string, options: GraphOptions): Promise<void> {
  const { module, exportName } = parseTarget(target);
  const exports = await importUserModule(module);
  const { name, pipeline } = pickExport(exports, module, exportName);
  const format = formatOf(options);
  const text = await picture(pipeline, format, options.direction);
  const withNewline = text.endsWith("\n") ? text : `${text}\n`;
  if (!options.out) {
    await write(process.stdout, withNewline);
    return;
  }
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, withNewline);
  await write(process.stdout, `Wrote the ${format} picture of ${module}#${name} (${pipeline.nodes.length} nodes) to ${options.out}\n`);
}
