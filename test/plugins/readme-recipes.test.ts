/**
 * The README's webpack, rspack, Rollup and Rolldown recipes, copied from README.md itself into a
 * fresh `"type": "module"` TypeScript app that installed the packed daft with npm: each config
 * builds the app as written (webpack with ts-loader, which type-checks the code daft injected,
 * under the strictest compiler settings; rspack with its SWC loader; Rollup with
 * @rollup/plugin-typescript and Rolldown through their own CLIs), and the command on the
 * recipe's last line runs the output, with build hashes, the same in every bundle.
 *
 * webpack-cli and @rspack/cli are not installed: a small driver does what they do with a config
 * file (import it from the project folder, hand it to the compiler, report errors).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTransformer } from "../../src/transform/index.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { freshProjectWithDaft } from "../helpers/packed-package.js";
import { readmeCodeBlocks } from "../helpers/readme.js";

afterAll(removeTempDirs);

/** The README's ```js block whose first line is `// <file>…`, and its closing `// npx … && node <output>`. */
function recipe(file: string): { config: string; command: string[]; output: string } {
  const block = readmeCodeBlocks("js").find((text) => text.startsWith(`// ${file}`));
  if (!block) throw new Error(`README.md has no js block starting with "// ${file}"`);
  const run = /^\/\/ npx (.+) && node (\S+)\s*$/m.exec(block);
  if (!run) throw new Error(`the ${file} recipe does not end with "// npx … && node <output>"`);
  return { config: block, command: run[1]!.split(" "), output: run[2]! };
}

const APP: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noPropertyAccessFromIndexSignature: true,
      noImplicitReturns: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
    },
    include: ["src"],
  }),
  "src/scale.ts": "export function scale(value: number, factor: number): number {\n  return value * factor;\n}\n",
  "src/pipeline.ts": [
    'import { func, Pipeline } from "daft";',
    'import { scale } from "./scale.js";',
    "",
    'export const doubled = func({ output: "doubled", cache: true }, ({ x }: { x: number }) => scale(x, 2));',
    "export const result = func(",
    '  { output: "result" },',
    "  ({ doubled, offset = 10 }: { doubled: number; offset?: number }) => doubled + offset,",
    ");",
    "export const pipeline = new Pipeline({ functions: [doubled, result] });",
    "",
  ].join("\n"),
  "src/main.ts": [
    'import { Runner } from "daft";',
    'import { doubled, pipeline } from "./pipeline.js";',
    "",
    "const runner = new Runner({ cacheConfig: { enabled: true, verbose: false }, progress: false });",
    "const out = await runner.run(pipeline, { x: 5 });",
    "const { hashSource, file, codeHash, depsHashes } = doubled.meta;",
    "console.log(JSON.stringify({ out, hashSource, file, codeHash, depsHashes }));",
    "",
  ].join("\n"),
  // What webpack-cli and @rspack/cli do with the config file of the folder they run in.
  "compile.mjs": [
    'import { pathToFileURL } from "node:url";',
    "const [tool, configFile] = process.argv.slice(2);",
    "const { default: config } = await import(pathToFileURL(configFile).href);",
    'const compile = tool === "webpack" ? (await import("webpack")).default : (await import("@rspack/core")).rspack;',
    "const compiler = compile(config);",
    "compiler.run((error, stats) => {",
    "  if (error) throw error;",
    "  const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });",
    "  console.log(JSON.stringify({ errors: errors.map((e) => e.message), warnings: warnings.map((w) => w.message) }));",
    "  compiler.close(() => {});",
    "});",
    "",
  ].join("\n"),
};

interface AppOutput {
  out: Record<string, number>;
  hashSource: string;
  file: string;
  codeHash: string;
  depsHashes: string[];
}

describe("the README's bundler recipes build and run as written, in a \"type\": \"module\" TypeScript app", () => {
  let app: FixtureCopy;
  let expected: { codeHash: string; depsHashes: string[] };

  beforeAll(async () => {
    app = await freshProjectWithDaft({
      link: ["webpack", "ts-loader", "typescript", "@rspack/core", "rolldown", "rollup", "@rollup/plugin-typescript"],
    });
    for (const [path, content] of Object.entries(APP)) app.write(path, content);
    const info = createTransformer({ persistentCacheFile: false }).transform(APP["src/pipeline.ts"]!, app.path("src/pipeline.ts"))!.buildInfos[0]!;
    expected = { codeHash: info.codeHash, depsHashes: info.depsHashes };
  }, 300_000);

  async function buildAndRun(file: string, build: (command: string[]) => Promise<void>): Promise<void> {
    const { config, command, output } = recipe(file);
    app.write(file, config);
    rmSync(app.path("dist"), { recursive: true, force: true });
    await build(command);
    const { stdout } = await runNode([output], { cwd: app.dir });
    const run = JSON.parse(stdout.trim().split("\n").at(-1)!) as AppOutput;
    expect(run).toEqual({ out: { x: 5, doubled: 10, result: 20 }, hashSource: "build", file: "src/pipeline.ts", ...expected });
  }

  async function compileWith(tool: "webpack" | "rspack", configFile: string): Promise<void> {
    const { stdout } = await runNode(["compile.mjs", tool, configFile], { cwd: app.dir, timeoutMs: 180_000 });
    const { errors, warnings } = JSON.parse(stdout.trim().split("\n").at(-1)!) as { errors: string[]; warnings: string[] };
    expect(errors).toEqual([]);
    // webpack's reminder that the CLI's --mode was not given is the only warning allowed.
    expect(warnings.filter((warning) => !warning.includes("The 'mode' option has not been set"))).toEqual([]);
  }

  it("webpack with ts-loader (type-checking the injected build info)", async () => {
    await buildAndRun("webpack.config.js", async (command) => {
      expect(command).toEqual(["webpack"]);
      await compileWith("webpack", "webpack.config.js");
    });
  }, 300_000);

  it("rspack with its SWC loader", async () => {
    await buildAndRun("rspack.config.js", async (command) => {
      expect(command).toEqual(["rspack"]);
      await compileWith("rspack", "rspack.config.js");
    });
  }, 300_000);

  it("Rollup with @rollup/plugin-typescript, through its CLI", async () => {
    await buildAndRun("rollup.config.js", async (command) => {
      expect(command).toEqual(["rollup", "-c"]);
      const { stdout, stderr } = await runNode([app.path("node_modules/rollup/dist/bin/rollup"), ...command.slice(1)], {
        cwd: app.dir,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
        timeoutMs: 180_000,
      });
      expect(stderr).toContain("created dist");
      expect(`${stdout}\n${stderr}`).not.toMatch(/\(!\)|warn|error/i);
    });
  }, 300_000);

  it("Rolldown, through its CLI", async () => {
    await buildAndRun("rolldown.config.js", async (command) => {
      expect(command[0]).toBe("rolldown");
      const { stdout, stderr } = await runNode([app.path("node_modules/rolldown/bin/cli.mjs"), ...command.slice(1)], { cwd: app.dir, timeoutMs: 180_000 });
      expect(`${stdout}\n${stderr}`).not.toMatch(/warn|error/i);
    });
  }, 300_000);
});
