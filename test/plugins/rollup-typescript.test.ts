/**
 * daft/rollup with @rollup/plugin-typescript, which compiles every module in its `load` hook
 * (one TypeScript program for the build), so no transform, daft's included, ever sees the file
 * as written, whatever the plugin order. Without a tsconfig (or with one targeting ES5) the
 * nodes' destructured parameters arrive compiled (`function (_a) { var x = _a.x; … }`).
 *
 * Each case is a real project in a temp folder built by the Rollup CLI from its
 * rollup.config.js, daft listed before and after the TypeScript plugin; the output runs with
 * node: build hashes of the file as written (the transform core's, so the Node loader's), input
 * names and defaults from the source, a hit on the second run through a DiskCache, and after an
 * edit to an imported helper and a rebuild, a miss with the new result.
 */
import { rmSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import { createTransformer } from "../../src/transform/index.js";
import { fixtureHandle, linkDaft, makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { linkPackages } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

const SOURCES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "rollup-typescript-app", private: true, type: "module" }),
  "src/scale.ts": "export function scale(value: number, factor: number): number {\n  return value * factor;\n}\n",
  "src/pipeline.ts": [
    'import { func, Pipeline } from "daft";',
    'import { scale } from "./scale.js";',
    "",
    "enum Factor {",
    "  Double = 2,",
    "}",
    "",
    'export const doubled = func({ output: "doubled", cache: true }, ({ x }: { x: number }): number => scale(x, Factor.Double));',
    "export const result = func(",
    '  { output: "result", cache: true },',
    "  ({ doubled, offset = 10 }: { doubled: number; offset?: number }) => doubled + offset,",
    ");",
    "export const nodes = [doubled, result] as const;",
    "export const pipeline = new Pipeline({ functions: [doubled, result] });",
    "",
  ].join("\n"),
  // No top-level await: TypeScript refuses it below ES2017, its default target.
  "src/main.ts": [
    'import { CacheConfig, DiskCache, Runner } from "daft";',
    'import { nodes, pipeline } from "./pipeline.js";',
    "",
    "const runner = new Runner({",
    '  cacheConfig: new CacheConfig({ enabled: true, backend: new DiskCache({ cacheDir: ".daft-cache" }), verbose: false }),',
    "  progress: false,",
    "});",
    "runner.run(pipeline, { x: 5 }).then((out) => {",
    "  const { hits, misses } = runner.stats;",
    "  const report = nodes.map(({ meta }) => ({",
    "    output: meta.output,",
    "    hashSource: meta.hashSource,",
    "    codeHash: meta.codeHash,",
    "    depsHashes: meta.depsHashes,",
    "    inputs: meta.inputs,",
    "    defaults: meta.defaults,",
    "    file: meta.file,",
    "  }));",
    "  console.log(JSON.stringify({ out, stats: { hits, misses }, nodes: report }));",
    "});",
    "",
  ].join("\n"),
};

const TSCONFIG_ES5 = JSON.stringify({
  compilerOptions: { target: "ES5", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022"], strict: true, skipLibCheck: true },
  include: ["src"],
});

interface Setup {
  name: string;
  tsconfig?: string;
  imports: string[];
  /** The plugins other than daft, in order. */
  plugins: string;
  /** Whether the bundle shows the nodes compiled to ES5 (not minified). */
  readableES5: boolean;
}

const SETUPS: Setup[] = [
  { name: "no tsconfig (TypeScript's default target, ES5)", imports: [], plugins: "typescript()", readableES5: true },
  { name: "a tsconfig targeting ES5", tsconfig: TSCONFIG_ES5, imports: [], plugins: "typescript()", readableES5: true },
  {
    name: "rollup-plugin-esbuild after it (minifying)",
    imports: ['import esbuild from "rollup-plugin-esbuild";'],
    plugins: 'typescript(), esbuild({ target: "node20", minify: true })',
    readableES5: false,
  },
];

function rollupConfig(setup: Setup, daftFirst: boolean): string {
  const plugins = daftFirst ? `daft(), ${setup.plugins}` : `${setup.plugins}, daft()`;
  return [
    'import daft from "daft/rollup";',
    'import typescript from "@rollup/plugin-typescript";',
    ...setup.imports,
    "",
    "export default {",
    '  input: "src/main.ts",',
    '  output: { dir: "dist", format: "es", sourcemap: true },',
    '  external: ["daft"],',
    `  plugins: [${plugins}],`,
    "};",
    "",
  ].join("\n");
}

function project(setup: Setup, daftFirst: boolean): FixtureCopy {
  const app = fixtureHandle(makeTempDir("daft-rollup-ts-"));
  for (const [path, content] of Object.entries(SOURCES)) app.write(path, content);
  if (setup.tsconfig) app.write("tsconfig.json", setup.tsconfig);
  app.write("rollup.config.js", rollupConfig(setup, daftFirst));
  linkDaft(app.dir);
  linkPackages(app.dir, ["rollup", "@rollup/plugin-typescript", "typescript", "tslib", "rollup-plugin-esbuild", "esbuild", "@types/node"]);
  return app;
}

interface Run {
  out: Record<string, number>;
  stats: { hits: number; misses: number };
  nodes: { output: string; hashSource: string; codeHash: string; depsHashes: string[]; inputs: string[]; defaults: string[]; file: string }[];
}

/** `rollup -c` in the project; what it printed, which must name no problem. */
async function build(app: FixtureCopy): Promise<void> {
  rmSync(app.path("dist"), { recursive: true, force: true });
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined };
  const { stderr } = await runNode([app.path("node_modules/rollup/dist/bin/rollup"), "-c"], { cwd: app.dir, env, timeoutMs: 180_000 });
  expect(stderr).toContain("created dist");
  expect(stderr).not.toContain("(!)");
}

async function run(app: FixtureCopy): Promise<Run> {
  const { stdout } = await runNode(["dist/main.js"], { cwd: app.dir });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Run;
}

/** The hashes the transform core gives src/pipeline.ts as written (what the Node loader injects). */
function writtenHashes(app: FixtureCopy): { codeHash: string; depsHashes: string[] }[] {
  const file = app.path("src/pipeline.ts");
  const result = createTransformer({ persistentCacheFile: false }).transform(app.read("src/pipeline.ts"), file);
  return result!.buildInfos.map(({ codeHash, depsHashes }) => ({ codeHash, depsHashes }));
}

/** Where the source map of dist/main.js says the first occurrence of `text` comes from (0-based line). */
function originalLineOf(app: FixtureCopy, text: string): { source: string; line: number } {
  const code = app.read("dist/main.js");
  const before = code.slice(0, code.indexOf(text)).split("\n");
  const map = new SourceMap(JSON.parse(app.read("dist/main.js.map")) as SourceMapPayload);
  const entry = map.findEntry(before.length - 1, before.at(-1)!.length) as { originalSource: string; originalLine: number };
  return { source: entry.originalSource, line: entry.originalLine };
}

function hashes(run: Run): { codeHash: string; depsHashes: string[] }[] {
  return run.nodes.map(({ codeHash, depsHashes }) => ({ codeHash, depsHashes }));
}

describe.each(SETUPS)("daft/rollup with @rollup/plugin-typescript, $name", (setup) => {
  it.each([
    ["listed before it", true],
    ["listed after it", false],
  ])("daft %s: build info of the file as written, a cached node, an edited helper seen", async (_order, daftFirst) => {
    const app = project(setup, daftFirst);
    await build(app);
    if (setup.readableES5) {
      // The TypeScript plugin did compile the nodes before daft saw them (ES5 has no destructuring)…
      expect(app.read("dist/main.js")).toMatch(/function \(_a\)/);
      // …and the bundle's source map still leads back to the lines of the file as written.
      expect(originalLineOf(app, "doubled + offset")).toEqual({ source: "../src/pipeline.ts", line: 10 });
      expect(originalLineOf(app, "new Pipeline")).toEqual({ source: "../src/pipeline.ts", line: 13 });
    }

    const first = await run(app);
    expect(first.out).toEqual({ x: 5, doubled: 10, result: 20 });
    expect(first.stats).toEqual({ hits: 0, misses: 2 });
    expect(first.nodes.map(({ hashSource, inputs, defaults, file }) => ({ hashSource, inputs, defaults, file }))).toEqual([
      { hashSource: "build", inputs: ["x"], defaults: [], file: "src/pipeline.ts" },
      { hashSource: "build", inputs: ["doubled", "offset"], defaults: ["offset"], file: "src/pipeline.ts" },
    ]);
    expect(hashes(first)).toEqual(writtenHashes(app));
    expect((await run(app)).stats).toEqual({ hits: 2, misses: 0 });

    app.edit("src/scale.ts", "value * factor", "value * factor + 1");
    await build(app);
    const edited = await run(app);
    expect(edited.out).toEqual({ x: 5, doubled: 11, result: 21 });
    expect(edited.stats).toEqual({ hits: 0, misses: 2 });
    expect(edited.nodes[0]!.codeHash).toBe(first.nodes[0]!.codeHash);
    expect(edited.nodes[0]!.depsHashes[0]).not.toBe(first.nodes[0]!.depsHashes[0]);
    expect(hashes(edited)).toEqual(writtenHashes(app));
  }, 300_000);
});
