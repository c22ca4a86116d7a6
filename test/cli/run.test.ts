/**
 * `daft run <script> [args...]`: the script runs under daft's loader in a child Node process,
 * with its arguments, exit code and signals; TypeScript through tsx when the project has it (or
 * Node's own type stripping), else a message saying how.
 */
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { otherNode } from "../helpers/other-nodes.js";
import { CLI, childEnv, copyCliProject, daft } from "../helpers/cli.js";

afterAll(removeTempDirs);

const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

describe("daft run", () => {
  it("runs a .mjs script under the loader, with its arguments and exit code", async () => {
    const project = copyCliProject();
    const result = await daft(["run", "script-exit.mjs", "7", "--flag", "value", "--help"], project.dir);
    expect(result.code).toBe(7);
    // Options after the script are the script's, --help included.
    expect(JSON.parse(result.stdout)).toEqual({ args: ["7", "--flag", "value", "--help"], hashSource: "build" });
    expect(result.stderr).toBe("");

    const ok = await daft(["run", "script-exit.mjs", "0"], project.dir);
    expect(ok.code).toBe(0);
  });

  it("runs a pipeline with build hashes from any working directory", async () => {
    const project = copyCliProject();
    const result = await daft(["run", "../run.mjs", '{"count": 2}'], project.path("src"));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { hashSource: Record<string, string>; events: { status: string }[] };
    expect(report.hashSource).toEqual({ scores: "build", doubled: "build", total: "build", summary: "build" });
    // The script's own working directory is kept: its cache went to src/.cache.
    const second = await daft(["run", "../run.mjs", '{"count": 2}'], project.path("src"));
    expect((JSON.parse(second.stdout) as { events: { status: string }[] }).events.map((event) => event.status)).toEqual([
      "hit",
      "hit",
      "hit",
      "hit",
      "no-cache",
    ]);
  });

  it("passes SIGTERM on to the script and returns its exit code", async () => {
    const project = copyCliProject();
    const child = spawn(process.execPath, [CLI, "run", "script-exit.mjs", "wait"], { cwd: project.dir, env: childEnv() });
    let stdout = "";
    const waiting = new Promise<void>((resolve) =>
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("waiting")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await waiting;
    child.kill("SIGTERM");
    expect(await exited).toBe(42);
    expect(stdout).toContain("got SIGTERM");
  });

  it("dies of the signal that killed the script", async () => {
    const project = copyCliProject();
    project.write("die.mjs", 'process.kill(process.pid, "SIGKILL");\n');
    const result = await daft(["run", "die.mjs"], project.dir);
    expect(result.code).toBeNull();
    expect(result.signal).toBe("SIGKILL");
  });

  it("runs TypeScript through the project's tsx on a Node without type stripping", async () => {
    const project = copyCliProject({ tsx: true });
    const result = await daft(["run", "ts/run.ts", "ann", "bob"], project.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      greetings: [
        { name: "ann", text: "hello ann" },
        { name: "bob", text: "hello bob" },
      ],
      hashSource: { greetings: "build" },
    });
  });

  it.skipIf(stripsTypes)("says how to run TypeScript when neither tsx nor type stripping is there", async () => {
    const project = copyCliProject();
    const result = await daft(["run", "ts/run.ts"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`daft: ts/run.ts is TypeScript, which Node ${process.version} does not run by itself, and tsx is not installed`);
    expect(result.stderr).toContain("npm install --save-dev tsx");
    expect(result.stderr).toContain("Node ≥ 22.18 or ≥ 23.6");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("uses Node's type stripping where Node has it (Node 24, no tsx)", async () => {
    const node24 = await otherNode(24);
    const project = copyCliProject();
    const result = await daft(["run", "ts/run.ts", "cy"], project.dir, { node: node24 });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ greetings: [{ name: "cy", text: "hello cy" }], hashSource: { greetings: "build" } });
  }, 120_000);

  it("reports a missing script and a missing argument", async () => {
    const project = copyCliProject();
    const missing = await daft(["run", "nope.mjs"], project.dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`daft: script not found: nope.mjs (looked for ${project.path("nope.mjs")})\n`);
    const none = await daft(["run"], project.dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("daft: missing required argument 'script'");
  });
});

describe("daft run picks tsx over type stripping", () => {
  for (const major of [22, 24] as const) {
    it(`runs .ts files that import with .js specifiers through the project's tsx on Node ${major}, and says so under DEBUG`, async () => {
      const node = await otherNode(major);
      const project = copyCliProject({ tsx: true });
      const result = await daft(["run", "ts-nodenext/run.ts", "ann"], project.dir, { node, env: { DEBUG: "daft:cli" } });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ greetings: ["hello ann"], hashSource: "build" });
      expect(result.stderr).toMatch(/daft:cli TypeScript through the project's tsx \(file:\/\/\S+\)/);

      // Without tsx, Node's own type stripping runs it (and says so); it takes ./greeting.js literally.
      const stripped = await daft(["run", "ts/run.ts", "bo"], copyCliProject().dir, { node, env: { DEBUG: "daft:cli" } });
      expect(stripped.code, stripped.stderr).toBe(0);
      expect(stripped.stderr).toContain("daft:cli TypeScript through Node's type stripping");
    }, 180_000);
  }
});

describe("daft run never reads the script name as a Node option", () => {
  it("runs a file named like an option (-e, --print) as the script", async () => {
    const project = copyCliProject();
    for (const name of ["-e", "--print"]) {
      project.write(name, `console.log("the file named ${name}", JSON.stringify(process.argv.slice(2)));\n`);
      const result = await daft(["run", "--", name, 'console.log("evaluated")'], project.dir);
      expect(result.stderr, name).toBe("");
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toBe(`the file named ${name} ["console.log(\\"evaluated\\")"]\n`);
    }
  });

  it("reports a missing script whose name looks like an option, and refuses an option in its place", async () => {
    const project = copyCliProject();
    const missing = await daft(["run", "--", "-e", 'console.log("evaluated")'], project.dir);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toBe(`daft: script not found: -e (looked for ${project.path("-e")})\n`);
    const option = await daft(["run", "-e", 'console.log("evaluated")'], project.dir);
    expect(option.code).toBe(2);
    expect(option.stdout).toBe("");
    expect(option.stderr).toContain("daft: unknown option '-e'");
  });
});
