/**
 * `daft graph <module>#<export>`: the picture the CLI prints or writes is the one the pipeline
 * itself gives (`pipeline.toMermaid()` / `toDot()` in a plain Node process of the same project),
 * SVG is rendered in-process, TypeScript modules load like `daft run`'s, and each way of
 * pointing at the wrong thing gets its own message.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { childEnv, copyCliProject, daft } from "../helpers/cli.js";

afterAll(removeTempDirs);

const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

/** What `pipeline.<method>(options)` of a module returns, asked of a plain `node` in the project. */
async function pictureFromNode(dir: string, module: string, code: string): Promise<string> {
  const script = `import * as m from ${JSON.stringify(module)}; process.stdout.write(${code});`;
  const text = (await runNode(["--input-type=module", "-e", script], { cwd: dir, env: childEnv() })).stdout;
  // The CLI ends what it prints with exactly one line break.
  return text.endsWith("\n") ? text : `${text}\n`;
}

describe("daft graph", () => {
  it("prints the pipeline's Mermaid and DOT text", async () => {
    const project = copyCliProject();
    const mermaid = await daft(["graph", "src/pipeline.mjs#pipeline"], project.dir);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stderr).toBe("");
    expect(mermaid.stdout).toBe(await pictureFromNode(project.dir, "./src/pipeline.mjs", "m.pipeline.toMermaid()"));
    expect(mermaid.stdout).toMatch(/^flowchart TB\n/);
    for (const node of ["scores", "doubled", "total", "summary"]) expect(mermaid.stdout).toContain(node);

    const dot = await daft(["graph", "src/pipeline.mjs#pipeline", "--format", "dot", "--direction", "LR"], project.dir);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toBe(await pictureFromNode(project.dir, "./src/pipeline.mjs", 'm.pipeline.toDot({ direction: "LR" })'));
    expect(dot.stdout).toMatch(/^digraph pipeline \{\n {2}graph \[rankdir=LR/);

    // The same bytes every time.
    expect((await daft(["graph", "src/pipeline.mjs#pipeline"], project.dir)).stdout).toBe(mermaid.stdout);
  });

  it("writes an SVG file rendered in-process, and picks the format from the file's extension", async () => {
    const project = copyCliProject();
    const result = await daft(["graph", "src/pipeline.mjs#pipeline", "--out", "docs/pipeline.svg"], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Wrote the svg picture of src/pipeline.mjs#pipeline (4 nodes) to docs/pipeline.svg\n");
    const svg = readFileSync(project.path("docs/pipeline.svg"), "utf8");
    expect(svg).toMatch(/<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    for (const node of ["scores", "doubled", "total", "summary"]) expect(svg).toContain(`>${node}</text>`);

    const dot = await daft(["graph", "src/pipeline.mjs#pipeline", "--out", "pipeline.dot"], project.dir);
    expect(dot.code).toBe(0);
    expect(readFileSync(project.path("pipeline.dot"), "utf8")).toMatch(/^digraph pipeline \{/);
    const forced = await daft(["graph", "src/pipeline.mjs#pipeline", "--out", "pipeline.txt", "--format", "mermaid"], project.dir);
    expect(forced.code).toBe(0);
    expect(readFileSync(project.path("pipeline.txt"), "utf8")).toMatch(/^flowchart TB/);
  });

  it("uses the module's only Pipeline when no export is named, and asks for a name when there are several", async () => {
    const project = copyCliProject();
    const only = await daft(["graph", "src/pipeline.mjs"], project.dir);
    expect(only.code).toBe(0);
    expect(only.stdout).toBe((await daft(["graph", "src/pipeline.mjs#pipeline"], project.dir)).stdout);

    const several = await daft(["graph", "src/two-pipelines.mjs"], project.dir);
    expect(several.code).toBe(1);
    expect(several.stderr).toBe(
      "daft: src/two-pipelines.mjs exports several Pipelines; name one, e.g. src/two-pipelines.mjs#doubling " +
        "(its exports: doubling, scoring; Pipeline exports: doubling, scoring)\n",
    );
    const named = await daft(["graph", "src/two-pipelines.mjs#scoring"], project.dir);
    expect(named.code).toBe(0);
    expect(named.stdout).toContain("scores");
    expect(named.stdout).not.toContain("doubled");
  });

  it("imports a TypeScript module through the project's tsx", async () => {
    const project = copyCliProject({ tsx: true });
    const result = await daft(["graph", "ts/pipeline.ts#pipeline"], project.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart TB\n/);
    expect(result.stdout).toContain("greetings");
  });

  it.skipIf(stripsTypes)("says how to load a TypeScript module when neither tsx nor type stripping is there", async () => {
    const project = copyCliProject();
    const result = await daft(["graph", "ts/pipeline.ts#pipeline"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("daft: ts/pipeline.ts is TypeScript");
    expect(result.stderr).toContain("npm install --save-dev tsx");
  });

  it("explains a missing module, a missing export and an export that is not a Pipeline", async () => {
    const project = copyCliProject();
    const inventory = "(its exports: describe, double, notAPipeline, pipeline, score, total; Pipeline exports: pipeline)";
    const cases: Array<[string, string]> = [
      ["src/missing.mjs#pipeline", `daft: module not found: src/missing.mjs (looked for ${project.path("src/missing.mjs")})\n`],
      ["src/pipeline.mjs#pipelin", `daft: src/pipeline.mjs has no export "pipelin" ${inventory}\n`],
      ["src/pipeline.mjs#score", `daft: export "score" of src/pipeline.mjs is a func() node (output "scores"), not a Pipeline ${inventory}\n`],
      ["src/pipeline.mjs#notAPipeline", `daft: export "notAPipeline" of src/pipeline.mjs is a plain object, not a Pipeline ${inventory}\n`],
      ["src/documents.mjs#documents", 'daft: export "documents" of src/documents.mjs is a function (documents), not a Pipeline (its exports: documents; Pipeline exports: none)\n'],
    ];
    for (const [target, message] of cases) {
      const result = await daft(["graph", target], project.dir);
      expect(result.code, target).toBe(1);
      expect(result.stdout, target).toBe("");
      expect(result.stderr, target).toBe(message);
    }
  });

  it("reports a module that fails on import in one line, with the stack under DEBUG", async () => {
    const project = copyCliProject();
    const plain = await daft(["graph", "src/explodes.mjs#pipeline"], project.dir);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe("daft: importing src/explodes.mjs failed: configuration file missing\n");

    const debug = await daft(["graph", "src/explodes.mjs#pipeline"], project.dir, { env: { DEBUG: "daft:*" } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain("daft: importing src/explodes.mjs failed: configuration file missing\n");
    expect(debug.stderr).toMatch(/Caused by: Error: configuration file missing\n\s+at .*explodes\.mjs:5/);
  });

  it("refuses bad usage with exit code 2", async () => {
    const project = copyCliProject();
    const format = await daft(["graph", "src/pipeline.mjs#pipeline", "--format", "png"], project.dir);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("daft: option '--format <format>' argument 'png' is invalid. Allowed choices are mermaid, dot, svg.");
    const target = await daft(["graph", "src/pipeline.mjs#"], project.dir);
    expect(target.code).toBe(2);
    expect(target.stderr).toBe('daft: expected <module>#<export>, e.g. src/pipeline.ts#pipeline; got "src/pipeline.mjs#"\n');
    const missing = await daft(["graph"], project.dir);
    expect(missing.code).toBe(2);
    expect(existsSync(project.path("pipeline.svg"))).toBe(false);
  });
});

describe("daft graph keeps the picture clean of what the module does when imported", () => {
  const CHATTY = [
    'import { CacheConfig, DiskCache, Runner } from "daft";',
    'import { pipeline } from "./src/pipeline.mjs";',
    "",
    'console.log("loading the pipeline…");',
    'process.stdout.write("<svg>not the picture</svg>\\n");',
    'console.error("a warning of the module");',
    "// A script that runs its pipeline when imported (and writes its cache).",
    "const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, verbose: false, backend: new DiskCache({ cacheDir: \".chatty-cache\" }) }) });",
    'await runner.run(pipeline, { docs: [{ id: "a", body: "x y x" }], query: "x", x: 1 });',
    'console.log("ran it");',
    "export { pipeline };",
    "",
  ].join("\n");

  it("prints only the picture on stdout; the module's stdout and stderr go to stderr", async () => {
    const project = copyCliProject();
    project.write("chatty.mjs", CHATTY);
    const clean = await daft(["graph", "src/pipeline.mjs#pipeline", "--format", "svg"], project.dir);
    expect(clean.code).toBe(0);

    const result = await daft(["graph", "chatty.mjs#pipeline", "--format", "svg"], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(clean.stdout);
    expect(result.stdout).toMatch(/^<svg /);
    expect(result.stderr).toContain("loading the pipeline…\n");
    expect(result.stderr).toContain("<svg>not the picture</svg>\n");
    expect(result.stderr).toContain("a warning of the module\n");
    expect(result.stderr).toContain("ran it\n");

    const mermaid = await daft(["graph", "chatty.mjs#pipeline"], project.dir);
    expect(mermaid.stdout).toBe((await daft(["graph", "src/pipeline.mjs#pipeline"], project.dir)).stdout);
  });

  it("says in its help that the module is imported and its top-level code runs", async () => {
    const help = await daft(["graph", "--help"], copyCliProject().dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("The module is imported");
    expect(help.stdout).toContain("its top-level code runs");
    expect(help.stdout).toContain("never into the picture");
  });

  it("reports a module that exits while it is imported", async () => {
    const project = copyCliProject();
    project.write("quits.mjs", 'console.log("bye");\nprocess.exit(3);\n');
    const result = await daft(["graph", "quits.mjs"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("bye\ndaft: importing quits.mjs failed: the process importing it exited (code 3) before its exports could be read\n");
  });
});

describe("daft graph --out", () => {
  it("writes the format its extension names, and refuses a file name it cannot write or that contradicts --format (exit 2)", async () => {
    const project = copyCliProject();
    const mmd = await daft(["graph", "src/pipeline.mjs#pipeline", "--out", "pipeline.mmd"], project.dir);
    expect(mmd.code).toBe(0);
    expect(readFileSync(project.path("pipeline.mmd"), "utf8")).toMatch(/^flowchart TB/);
    const gv = await daft(["graph", "src/pipeline.mjs#pipeline", "--out", "pipeline.gv"], project.dir);
    expect(gv.code).toBe(0);
    expect(readFileSync(project.path("pipeline.gv"), "utf8")).toMatch(/^digraph pipeline \{/);

    const refused: Array<[string[], string]> = [
      [["--out", "pipeline.png"], "daft: --out pipeline.png: daft graph writes Mermaid (.mmd, .mermaid), DOT (.dot, .gv) or SVG (.svg), not PNG\n"],
      [["--out", "pipeline.png", "--format", "svg"], "daft: --out pipeline.png: daft graph writes Mermaid (.mmd, .mermaid), DOT (.dot, .gv) or SVG (.svg), not PNG\n"],
      [
        ["--out", "pipeline.txt"],
        'daft: --out pipeline.txt: cannot tell the format from ".txt"; name the file .mmd, .dot or .svg, or give --format (Mermaid (.mmd, .mermaid), DOT (.dot, .gv) or SVG (.svg))\n',
      ],
      [["--out", "pipeline.svg", "--format", "dot"], "daft: --out pipeline.svg is a svg file name, but --format is dot\n"],
    ];
    for (const [args, message] of refused) {
      const result = await daft(["graph", "src/pipeline.mjs#pipeline", ...args], project.dir);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stdout, args.join(" ")).toBe("");
      expect(result.stderr, args.join(" ")).toBe(message);
    }
    expect(existsSync(project.path("pipeline.png"))).toBe(false);
    expect(existsSync(project.path("pipeline.txt"))).toBe(false);
  });
});
