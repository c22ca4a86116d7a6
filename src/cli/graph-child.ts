/**
 * The process `daft graph` starts to import the user's module. The module's top-level code runs
 * here, and whatever it prints goes to this process's stdout and stderr, which the parent points
 * at its own stderr: the picture comes back over the IPC channel only, so nothing the module
 * prints can end up in it.
 *
 * argv[2]: a JSON GraphRequest. One message back: a GraphReply.
 */
import { CliError } from "./errors.js";
import { pickExport } from "./graph-export.js";
import { importUserModule } from "./import-module.js";

export interface GraphRequest {
  /** As the user wrote it (for messages), relative to `cwd`. */
  module: string;
  exportName: string | undefined;
  /** DOT for an SVG picture: the parent renders it. */
  text: "mermaid" | "dot";
  direction: "TB" | "LR" | undefined;
}

export type GraphReply =
  | { daftGraph: "picture"; name: string; nodes: number; text: string }
  | { daftGraph: "error"; message: string; exitCode: number; causeStack?: string };

async function draw(request: GraphRequest): Promise<GraphReply> {
  const exports = await importUserModule(request.module);
  const { name, pipeline } = pickExport(exports, request.module, request.exportName);
  const options = request.direction ? { direction: request.direction } : {};
  const text = request.text === "mermaid" ? pipeline.toMermaid(options) : pipeline.toDot(options);
  return { daftGraph: "picture", name, nodes: pipeline.nodes.length, text };
}

function errorReply(error: unknown): GraphReply {
  const cause = (error as { cause?: unknown })?.cause;
  return {
    daftGraph: "error",
    message: error instanceof Error ? error.message : String(error),
    exitCode: error instanceof CliError ? error.exitCode : 1,
    ...(cause instanceof Error && cause.stack ? { causeStack: cause.stack } : {}),
  };
}

void draw(JSON.parse(process.argv[2]!) as GraphRequest)
  .catch(errorReply)
  // Exit once the reply is out, even if the module left timers or sockets open.
  .then((reply) => process.send!(reply, () => process.exit(0)));
