/**
 * The `daft` command as a whole: help, version, and how bad usage and failures end — one line
 * on stderr, exit code 2 for usage and 1 for a failed command, no stack trace unless DEBUG asks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { daft } from "../helpers/cli.js";

afterAll(removeTempDirs);

const STACK_LINE = /^\s+at /m;

describe("daft (usage)", () => {
  it("is the package's bin", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ daft: "./dist/src/cli/index.js" });
    expect(readFileSync(join(repoRoot, "dist/src/cli/index.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("lists its commands and options with --help, and prints its version", async () => {
    const dir = makeTempDir();
    const help = await daft(["--help"], dir);
    expect(help.code).toBe(0);
    for (const command of ["run [options] <script> [args...]", "cache", "graph [options] <module#export>", "worker [options] <modules...>"]) expect(help.stdout).toContain(command);

    const cache = await daft(["cache", "--help"], dir);
    expect(cache.code).toBe(0);
    for (const command of ["stats", "clear", "prune", "explain"]) expect(cache.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));

    // Help is wrapped to the terminal's width: compare with single spaces.
    const flat = (text: string) => text.replace(/\s+/g, " ");
    const prune = await daft(["cache", "prune", "--help"], dir);
    expect(prune.code).toBe(0);
    for (const option of ['--dir <path> the DiskCache directory (its cacheDir) (default: ".cache")', "--max-size <size>", "--max-age <duration>", "--json"]) {
      expect(flat(prune.stdout)).toContain(option);
    }
    const graph = await daft(["help", "graph"], dir);
    expect(graph.code).toBe(0);
    expect(flat(graph.stdout)).toContain('--format <format> picture format (default: from --out\'s extension, else mermaid) (choices: "mermaid", "dot", "svg")');

    const version = await daft(["--version"], dir);
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it("ends bad usage with exit code 2 and a one-line reason", async () => {
    const dir = makeTempDir();
    const cases: Array<[string[], string]> = [
      [["launch"], "daft: unknown command 'launch'"],
      [["cache", "stats", "--verbose"], "daft: unknown option '--verbose'"],
      [["cache", "explain"], "daft: missing required argument 'node'"],
      [["cache", "prune", "--max-size"], "daft: option '--max-size <size>' argument missing"],
      [["cache", "prune", "--max-age", "soon"], 'daft: --max-age: cannot read "soon" as a duration; write e.g. 7d, 12h, 30m, 1d12h or 90s'],
    ];
    for (const [args, message] of cases) {
      const result = await daft(args, dir);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr.split("\n")[0], args.join(" ")).toBe(message);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
    const nothing = await daft([], dir);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("Usage: daft [options] [command]");
  });

  it("ends a failed command with exit code 1, and shows the stack only under DEBUG", async () => {
    const dir = makeTempDir();
    const plain = await daft(["cache", "explain", "total"], dir);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe(`daft: no cache directory at .cache (${join(dir, ".cache")}); pass --dir with the cacheDir of your DiskCache\n`);

    const debug = await daft(["cache", "explain", "total"], dir, { env: { DEBUG: "daft:*" } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain("daft: no cache directory at .cache");
    expect(debug.stderr).toMatch(STACK_LINE);
    expect(debug.stderr).toMatch(/^daft:cli argv /m);
  });
});
