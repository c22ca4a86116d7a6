/**
 * The README's Runner and Pipeline examples, copied from README.md itself into a fresh
 * TypeScript project: the run options and events examples type-check under strict settings and,
 * run with `daft run`, print what their comments say (the dry-run report too); the typed-edges
 * example fails `tsc` with the message the README shows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daft } from "../helpers/cli.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { readmeBlocks, readmeCodeBlocks } from "../helpers/readme.js";
import { typeCheck, typeScriptProject } from "../helpers/typescript-project.js";

afterAll(removeTempDirs);

/** The README's ```ts block whose first line is `// <file>`. */
function example(file: string): string {
  const block = readmeCodeBlocks("ts").find((text) => text.startsWith(`// ${file}\n`));
  if (!block) throw new Error(`README.md has no ts block starting with "// ${file}"`);
  return block;
}

/** The README's plain ``` block that starts with `start`. */
function shown(start: string): string {
  const block = readmeBlocks().find(({ language, text }) => language === "" && text.startsWith(start))?.text;
  if (!block) throw new Error(`README.md has no text block starting with "${start}"`);
  return block;
}

/**
 * What an example says it prints: a comment after code on the same line, or on the lines right
 * after a line of code (explanations come after a blank line, before the code they explain).
 */
function promisedOutput(code: string): string {
  const lines = code.split("\n");
  const output: string[] = [];
  let afterCode = false;
  for (const line of lines.slice(1)) {
    const comment = /^\s*\/\/ ?(.*)$/.exec(line);
    if (comment) {
      if (afterCode) output.push(comment[1]!);
      continue;
    }
    const trailing = /\);\s*\/\/ (.+)$/.exec(line);
    if (trailing) output.push(trailing[1]!);
    afterCode = line.trim() !== "";
  }
  return output.join("\n");
}

const squeeze = (text: string) => text.replace(/\s+/g, " ").trim();

describe("README: Runner examples", () => {
  let project: FixtureCopy;

  beforeAll(() => {
    project = typeScriptProject({ "run-options.ts": example("run-options.ts"), "events.ts": example("events.ts") }, { tsx: true });
  });

  it("type-check under strict settings", async () => {
    const { code, output } = await typeCheck(project);
    expect(output).toBe("");
    expect(code).toBe(0);
  }, 120_000);

  it("run options: print what the comments say, and the dry-run report the README shows", async () => {
    const result = await daft(["run", "run-options.ts"], project.dir);
    expect(result.code).toBe(0);
    expect(squeeze(result.stdout)).toBe(squeeze(promisedOutput(example("run-options.ts"))));
    expect(result.stderr).toContain(shown("daft dry run (nothing ran"));
  });

  it("events: print what the comments say", async () => {
    const result = await daft(["run", "events.ts"], project.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(promisedOutput(example("events.ts")));
  });
});

describe("README: typed edges", () => {
  it("a node whose input does not fit its producer's output fails tsc with the message shown", async () => {
    const block = readmeCodeBlocks("ts").find((text) => text.includes("new Float64Array(doc.length)"));
    if (!block) throw new Error("README.md has no typed-edges example");
    const project = typeScriptProject({
      "bad.ts": `import { func, Pipeline } from "daft";\n${block}export { pipeline };\n`,
      // The same nodes, with the input typed as what the producer returns: no error.
      "good.ts": `import { func, Pipeline } from "daft";\n${block.replace("docVector: number[]", "docVector: Float64Array")}export { pipeline };\n`,
    });
    const { code, output } = await typeCheck(project);
    expect(code).toBe(2);
    const errors = output.split("\n").filter((line) => /^\S+\.ts\(\d+,\d+\): error/.test(line));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.ts\(\d+,\d+\): error TS2345: Argument of type '\{ functions: \[DaftFunction<"docVector", /);
    // The README's second line, with its elisions (…) as wildcards.
    const readmeLine = shown("error TS2345").split("\n")[1]!.trim();
    const pattern = new RegExp(readmeLine.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*"));
    expect(output).toMatch(pattern);
  }, 120_000);
});
