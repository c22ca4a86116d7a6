/**
 * Shared by the loader tests: the `loader-pipeline` fixture copied to a temp folder with its
 * dependencies installed the way a user's would be (`fmt-number` from vendor/, tsx and daft
 * linked from this repository), the Node versions the loader must work on, and a way to run a
 * script of the copy and read the JSON it prints.
 */
import { cpSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { createTransformer } from "../../src/transform/index.js";
import type { BuildInfo } from "../../src/build-info.js";
import type { LoaderStats as HookCounters } from "../../loader/daft-loader.js";
import { copyFixture, repoRoot, type FixtureCopy } from "./fixture.js";
import { runNode, runProcess, type ProcessResult } from "./node-process.js";
import { otherNode } from "./other-nodes.js";

export interface NodeVersion {
  major: number;
  /** The binary (installs Node 22/24 on first use). */
  binary(): Promise<string>;
  /** Whether the loader uses module.registerHooks there (and so covers require and CommonJS). */
  registerHooks: boolean;
  /** Whether Node runs .ts files itself (type stripping, on by default since 22.18). */
  stripsTypes: boolean;
}

export const NODE_VERSIONS: NodeVersion[] = [
  { major: 20, binary: async () => process.execPath, registerHooks: false, stripsTypes: false },
  { major: 22, binary: () => otherNode(22), registerHooks: true, stripsTypes: true },
  { major: 24, binary: () => otherNode(24), registerHooks: true, stripsTypes: true },
];

export const LOADER = ["--import", "daft/loader"];
/** tsx registered after daft: its hook runs first, daft's sees the file as written. */
export const LOADER_THEN_TSX = ["--import", "daft/loader", "--import", "tsx"];
/** tsx registered before daft: daft's hook runs first and receives tsx's compiled output. */
export const TSX_THEN_LOADER = ["--import", "tsx", "--import", "daft/loader"];

export function copyLoaderFixture(): FixtureCopy {
  const copy = copyFixture("loader-pipeline");
  for (const name of readdirSync(copy.path("vendor"))) {
    cpSync(copy.path(join("vendor", name)), copy.path(join("node_modules", name)), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules", "tsx"), copy.path("node_modules/tsx"), "dir");
  return copy;
}

export interface NodeReport {
  hashSource: "build" | "runtime";
  codeHash: string;
  depsHashes: string[];
  file?: string;
}

export interface RunReport {
  result: Record<string, unknown>;
  /** output → "hit", "miss:<reason>" or "no-cache" */
  events: Record<string, string>;
  nodes: Record<string, NodeReport>;
}

/** Runs `node <args> run.mjs` in `dir` and reads its report. */
export async function runPipeline(node: string, dir: string, args: string[], env: Record<string, string> = {}): Promise<RunReport> {
  const { stdout } = await runNode([...args, "run.mjs"], { node, cwd: dir, env: { ...process.env, ...env } });
  const report = JSON.parse(stdout) as {
    result: Record<string, unknown>;
    events: Record<string, { status: string; reason?: string }>;
    nodes: Record<string, NodeReport>;
  };
  const events = Object.fromEntries(
    Object.entries(report.events).map(([output, event]) => [output, event.reason ? `${event.status}:${event.reason}` : event.status]),
  );
  return { result: report.result, events, nodes: report.nodes };
}

/** Runs a script and returns each JSON line it printed to stdout. */
export async function runJsonLines(node: string, dir: string, args: string[], env: Record<string, string> = {}): Promise<unknown[]> {
  const { stdout } = await runNode(args, { node, cwd: dir, env: { ...process.env, ...env } });
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as unknown);
}

/** Like runNode, with `DAFT_LOADER_STATS=1`: also returns the loader's counters printed at exit. */
export async function runWithStats(
  node: string,
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ process: ProcessResult; stats: LoaderStats }> {
  const result = await runProcess(node, args, { cwd: dir, env: { ...process.env, ...env, DAFT_LOADER_STATS: "1" } });
  if (result.code !== 0) throw new Error(`node ${args.join(" ")} exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  const line = result.stderr.split("\n").find((text) => text.startsWith("daft loader: {"));
  if (!line) throw new Error(`no loader statistics on stderr:\n${result.stderr}`);
  return { process: result, stats: JSON.parse(line.slice("daft loader: ".length)) as LoaderStats };
}

/** What `DAFT_LOADER_STATS=1` prints: the hook's counters and the transformer's. */
export interface LoaderStats extends HookCounters {
  compiledParsed: number;
  transforms: number;
  warmHits: number;
  files: { parsed: number; hashed: number; reusedStored: number; reusedMemory: number };
}

/** What the transform itself computes for a file of the copy, in this process, from its text. */
export function expectedBuildInfos(copy: FixtureCopy, file: string): BuildInfo[] {
  return createTransformer().transform(copy.read(file), copy.path(file))?.buildInfos ?? [];
}

/** `{ output: { codeHash, depsHashes } }` from build infos, in the order of `outputs`. */
export function hashesByOutput(outputs: string[], infos: BuildInfo[]): Record<string, { codeHash: string; depsHashes: string[] }> {
  return Object.fromEntries(outputs.map((output, index) => [output, { codeHash: infos[index]!.codeHash, depsHashes: infos[index]!.depsHashes }]));
}

export function hashesOf(report: RunReport): Record<string, { codeHash: string; depsHashes: string[] }> {
  return Object.fromEntries(Object.entries(report.nodes).map(([output, node]) => [output, { codeHash: node.codeHash, depsHashes: node.depsHashes }]));
}
