/**
 * fixtures/plugin-app, shared by the bundler plugin tests: a TypeScript pipeline whose `tokens`
 * node reaches a file two imports away. Each bundler builds `src/main.ts` to one ES module; the
 * same sources also run through the Node loader (with tsx for the TypeScript), and the hashes of
 * both are compared with the transform core's, computed here in process.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { createTransformer } from "../../src/transform/index.js";
import { copyFixture, repoRoot, type FixtureCopy } from "./fixture.js";
import { runNode } from "./node-process.js";

export interface NodeReport {
  output: string;
  hashSource: "build" | "runtime";
  codeHash: string;
  depsHashes: string[];
  inputs: string[];
  defaults: string[];
  file: string | undefined;
}

export interface AppRun {
  result: Record<string, unknown>;
  stats: { hits: number; misses: number };
  nodes: NodeReport[];
}

export type Hashes = Record<string, { codeHash: string; depsHashes: string[] }>;

export const OUTPUTS = ["tokens", "score", "report"];
export const EXPECTED_RESULT = {
  text: "The Quick brown fox, the LAZY dog",
  tokens: ["the", "quick", "brown", "fox", "the", "lazy", "dog"],
  score: 13,
  report: "13 points, 7 tokens",
};

/** Makes `dir/node_modules/<name>` point at this repository's copy of each package. */
export function linkPackages(dir: string, names: readonly string[]): void {
  for (const name of names) {
    const target = join(dir, "node_modules", name);
    mkdirSync(join(target, ".."), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    symlinkSync(join(repoRoot, "node_modules", name), target, "dir");
  }
}

/** A fresh copy of fixtures/plugin-app, with daft and tsx linked in. */
export function copyPluginApp(): FixtureCopy {
  const copy = copyFixture("plugin-app");
  linkPackages(copy.dir, ["tsx"]);
  return copy;
}

/**
 * Dates every file of the copy (outside node_modules) a minute back. A watcher started right
 * after the copy was made may take files written within its clock's resolution for changes made
 * after it started, and rebuild once more for nothing (webpack does); watch tests then cannot
 * tell which build saw their edit.
 */
export function ageFiles(copy: FixtureCopy): void {
  const past = new Date(Date.now() - 60_000);
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      utimesSync(path, past, past);
    }
  };
  visit(copy.dir);
}

/** Forgets the transform cache a previous build or run left in the copy (a cold start). */
export function removeTransformCache(copy: FixtureCopy): void {
  rmSync(copy.path("node_modules/.cache"), { recursive: true, force: true });
}

function parseRun(stdout: string): AppRun {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as AppRun;
}

function envWith(cacheDir: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DAFT_CACHE_DIR;
  if (cacheDir !== undefined) env.DAFT_CACHE_DIR = cacheDir;
  return env;
}

/** `node --import tsx --import daft/loader src/main.ts` in the copy. */
export async function runWithLoader(copy: FixtureCopy, cacheDir?: string): Promise<AppRun> {
  if (!existsSync(join(repoRoot, "dist/loader/index.js"))) throw new Error("dist/loader/index.js is missing: run `npm run build` first");
  const { stdout } = await runNode(["--import", "tsx", "--import", "daft/loader", "src/main.ts"], { cwd: copy.dir, env: envWith(cacheDir) });
  return parseRun(stdout);
}

/** Runs a bundle the test built (a path relative to the copy) with plain node. */
export async function runBuilt(copy: FixtureCopy, file: string, cacheDir?: string): Promise<AppRun> {
  const { stdout } = await runNode([file], { cwd: copy.dir, env: envWith(cacheDir) });
  return parseRun(stdout);
}

export function hashesOf(run: AppRun): Hashes {
  return Object.fromEntries(run.nodes.map((node) => [node.output, { codeHash: node.codeHash, depsHashes: node.depsHashes }]));
}

/** The hashes the transform core gives src/pipeline.ts as it is on disk now (fresh caches). */
export function transformHashes(copy: FixtureCopy): Hashes {
  const file = copy.path("src/pipeline.ts");
  const result = createTransformer().transform(copy.read("src/pipeline.ts"), file);
  if (!result) throw new Error("src/pipeline.ts was not transformed");
  return Object.fromEntries(
    result.buildInfos.map((info, index) => [OUTPUTS[index]!, { codeHash: info.codeHash, depsHashes: info.depsHashes }]),
  );
}
