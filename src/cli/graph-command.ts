/**
 * `daft graph <module>#<export> [--format mermaid|dot|svg] [--direction TB|LR] [--out file]`:
 * prints or writes the picture of a Pipeline a module exports. Without `#export`, the module's
 * one Pipeline export (or its default export) is used.
 *
 * The module is imported in a child process (graph-child.ts) whose stdout and stderr go to this
 * process's stderr, and the picture comes back over IPC: what the module prints when it is
 * imported never enters the picture.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dotToSvg } from "../pictures/index.js";
import { debugCli } from "../debug/index.js";
import { CliError, UsageError } from "./errors.js";
import type { GraphReply, GraphRequest } from "./graph-child.js";

export type PictureFormat = "mermaid" | "dot" | "svg";

export interface GraphOptions {
  format?: PictureFormat;
  direction?: "TB" | "LR";
  out?: string;
}

/** File extensions of each format daft writes. */
const EXTENSIONS: Record<PictureFormat, readonly string[]> = {
  mermaid: [".mmd", ".mermaid"],
  dot: [".dot", ".gv"],
  svg: [".svg"],
};
/** Picture files daft does not write, whatever --format says. */
const OTHER_IMAGES = [".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".bmp", ".tif", ".tiff"];

export function parseTarget(target: string): { module: string; exportName: string | undefined } {
  const hash = target.lastIndexOf("#");
  if (hash === -1) return { module: target, exportName: undefined };
  const module = target.slice(0, hash);
  const exportName = target.slice(hash + 1);
  if (module === "" || exportName === "") throw new UsageError(`expected <module>#<export>, e.g. src/pipeline.ts#pipeline; got "${target}"`);
  return { module, exportName };
}

/** The format to write: --format, else from --out's extension; a usage error when they disagree or say nothing. */
export function formatOf(options: GraphOptions): PictureFormat {
  if (!options.out) return options.format ?? "mermaid";
  const extension = extname(options.out).toLowerCase();
  const known = (Object.keys(EXTENSIONS) as PictureFormat[]).find((format) => EXTENSIONS[format].includes(extension));
  const choices = "Mermaid (.mmd, .mermaid), DOT (.dot, .gv) or SVG (.svg)";
  if (OTHER_IMAGES.includes(extension)) {
    throw new UsageError(`--out ${options.out}: daft graph writes ${choices}, not ${extension.slice(1).toUpperCase()}`);
  }
  if (known && options.format && options.format !== known) {
    throw new UsageError(`--out ${options.out} is a ${known} file name, but --format is ${options.format}`);
  }
  const format = options.format ?? known;
  if (!format) {
    throw new UsageError(`--out ${options.out}: cannot tell the format from "${extension || "no extension"}"; name the file .mmd, .dot or .svg, or give --format (${choices})`);
  }
  return format;
}

/** Imports the module in a child process and gets the picture text back. */
function drawInChild(request: GraphRequest): Promise<Extract<GraphReply, { daftGraph: "picture" }>> {
  const script = fileURLToPath(new URL("./graph-child.js", import.meta.url));
  if (debugCli.enabled) debugCli("graph: importing %s in a child process", request.module);
  // The module's stdout and stderr both go to our stderr: stdout is for the picture alone.
  const importer = spawn(process.execPath, [script, JSON.stringify(request)], { stdio: ["ignore", 2, 2, "ipc"] });
  return new Promise((resolvePromise, reject) => {
    let reply: GraphReply | undefined;
    importer.on("message", (message: GraphReply) => {
      if (typeof message === "object" && message !== null && "daftGraph" in message) reply ??= message;
    });
    importer.on("error", (error) => reject(new CliError(`could not start ${process.execPath}: ${error.message}`)));
    importer.on("exit", (code, signal) => {
      if (reply?.daftGraph === "picture") return resolvePromise(reply);
      if (reply?.daftGraph === "error") {
        // The stack of what the module threw, for DEBUG=daft:* ("Caused by: …").
        const cause = reply.causeStack === undefined ? undefined : Object.assign(new Error(reply.message), { stack: reply.causeStack });
        return reject(new CliError(reply.message, reply.exitCode, cause ? { cause } : undefined));
      }
      reject(new CliError(`importing ${request.module} failed: the process importing it exited (${signal ?? `code ${code}`}) before its exports could be read`));
    });
  });
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolvePromise, reject) => stream.write(text, (error) => (error ? reject(error) : resolvePromise())));
}

export async function graphCommand(target: string, options: GraphOptions): Promise<void> {
  const { module, exportName } = parseTarget(target);
  const format = formatOf(options);
  const drawn = await drawInChild({ module, exportName, text: format === "mermaid" ? "mermaid" : "dot", direction: options.direction });
  const text = format === "svg" ? await dotToSvg(drawn.text) : drawn.text;
  const withNewline = text.endsWith("\n") ? text : `${text}\n`;
  if (!options.out) {
    await write(process.stdout, withNewline);
    return;
  }
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, withNewline);
  await write(process.stdout, `Wrote the ${format} picture of ${module}#${drawn.name} (${drawn.nodes} nodes) to ${options.out}\n`);
}
