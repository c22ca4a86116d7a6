/**
 * The progress display, seen the way a user sees it: a real script (fixtures/progress-run, a
 * pipeline with a slow async mapped node, importing the built `daft`) runs in a real
 * pseudo-terminal, and the bytes the terminal got are replayed in a terminal emulator to read
 * the screen. The same script piped, in CI, or with `progress: false` must print no progress.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DefinitionError, Runner } from "../../src/index.js";
import { resolveProgress, type ProgressStream } from "../../src/progress/settings.js";
import { copyFixture, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { plainText, progressFixture, runInTerminal, runPiped, screenOf, terminalEnv } from "../helpers/terminal.js";

afterAll(removeTempDirs);

let fixture: FixtureCopy;
beforeAll(() => {
  fixture = progressFixture();
});

const SUMMARY = "[CACHE] vectors: 4 ✓ HIT, 4 ✗ MISS";
const FINAL_ROWS = [
  /^ {2}✓ embed → vectors {2}done {5}8\/8 {2}4 hits {2}\d\.\d\ds$/,
  /^ {2}✓ score → scores {3}done {5}8\/8 {10}\d\.\d\ds$/,
  /^ {2}✓ total {12}done {18}\d\.\d\ds$/,
];

/** The index of the one screen line matching `pattern`; fails if none or several match. */
function onlyLine(screen: string[], pattern: RegExp): number {
  const matches = screen.flatMap((line, index) => (pattern.test(line) ? [index] : []));
  expect(matches, `exactly one line matching ${pattern} in:\n${screen.join("\n")}`).toHaveLength(1);
  return matches[0]!;
}

/** What the terminal received after the script's own marker, escape sequences aside. */
function afterMarker(output: string): string {
  const text = plainText(output);
  const at = text.indexOf("AFTER RUN");
  expect(at).toBeGreaterThan(-1);
  return text.slice(at + "AFTER RUN".length);
}

describe("on a terminal", () => {
  it("draws a row per node with status, item counts, hits and time, redrawn in place, then the [CACHE] summary below the final table", async () => {
    const { output } = await runInTerminal(fixture, ["--linger=400"]);

    // While the run went on, frames showed the mapped node running with its counts, the rest pending.
    const frames = plainText(output);
    expect(frames).toMatch(/⠋ embed → vectors {2}running {2}[4-7]\/8 {2}4 hits {2}\d\.\d\ds/);
    expect(frames).toMatch(/· score → scores {3}pending/);
    expect(frames).toMatch(/daft · 0\/3 nodes · \d\.\d\ds/);

    // The screen left behind: the final table once (earlier frames were overwritten), then the summary.
    const screen = await screenOf(output);
    const header = onlyLine(screen, /^daft · done in \d\.\d\ds · 3\/3 nodes$/);
    const rows = FINAL_ROWS.map((row) => onlyLine(screen, row));
    const summary = onlyLine(screen, /^\[CACHE\] vectors: 4 ✓ HIT, 4 ✗ MISS \(\d\.\d\ds\) \| scores: NO-CACHE ×8/);
    expect(rows).toEqual([header + 1, header + 2, header + 3]);
    expect(summary).toBe(header + 4);
    expect(screen.some((line) => /running|pending/.test(line))).toBe(false);
    expect(screen.slice(summary + 1)).toEqual(["RESULT total=72", "AFTER RUN"]);

    // Nothing was drawn after the run (timers stopped) and the cursor was shown again.
    expect(afterMarker(output).trim()).toBe("");
    expect(output.lastIndexOf("\x1b[?25h")).toBeGreaterThan(output.lastIndexOf("\x1b[?25l"));
    expect(output).toContain("\x1b[33m"); // colours on a colour terminal
  });

  it("draws a run that never yields (synchronous, CPU-bound nodes), from the runner's own calls", async () => {
    const { output } = await runInTerminal(fixture, ["--sync", "--delay=150"]);
    expect(plainText(output)).toMatch(/embed → vectors {2}running {2}[67]\/8 {2}4 hits/);
    const screen = await screenOf(output);
    onlyLine(screen, /^daft · done in \d\.\d\ds · 3\/3 nodes$/);
    for (const row of FINAL_ROWS) onlyLine(screen, row);
  });

  it("says cached for a node whose every call hit", async () => {
    const { output } = await runInTerminal(fixture, ["--warm=all", "--score-delay=200"]);
    const screen = await screenOf(output);
    onlyLine(screen, /^ {2}✓ embed → vectors {2}cached {3}8\/8 {2}8 hits {2}\d\.\d\ds$/);
    onlyLine(screen, /^ {2}✓ score → scores {3}done {5}8\/8 {10}\d\.\d\ds$/);
    onlyLine(screen, /^ {2}✓ total {12}cached {8}1 hit {3}\d\.\d\ds$/);
  });

  it("marks the failing node when the run throws, stops drawing, and the error still reaches the caller", async () => {
    const { output } = await runInTerminal(fixture, ["--fail", "--linger=400"]);
    const screen = await screenOf(output);
    const header = onlyLine(screen, /^daft · failed after \d\.\d\ds · 2\/3 nodes$/);
    expect(onlyLine(screen, /^ {2}✗ total {12}failed/)).toBe(header + 3);
    onlyLine(screen, /^FAILED Node "total" \(output "total"\) failed: total exploded$/);
    expect(afterMarker(output).trim()).toBe("");
  });

  it("erases the table at the end with keep: false, leaving the summary alone", async () => {
    const { output } = await runInTerminal(fixture, ["--progress=clear"]);
    expect(plainText(output)).toMatch(/embed → vectors {2}running/); // it was drawn…
    const screen = await screenOf(output);
    expect(screen.some((line) => line.includes("embed → vectors") || line.startsWith("daft ·"))).toBe(false); // …and erased
    expect(screen[0]).toContain(SUMMARY);
  });

  it("prints nothing for a run shorter than the delay", async () => {
    const { output } = await runInTerminal(fixture, ["--delay=0"]);
    expect(plainText(output)).toContain(SUMMARY);
    expect(plainText(output)).not.toContain("embed → vectors");
    expect(output).not.toContain("\x1b[?25l"); // the cursor was never touched
  });

  it("prints nothing in CI (CI set), and nothing with progress: false", async () => {
    for (const [args, env] of [
      [[], terminalEnv({ CI: "1" })],
      [["--progress=false"], terminalEnv()],
    ] as const) {
      const { output } = await runInTerminal(fixture, [...args], env);
      expect(plainText(output)).toContain(SUMMARY);
      expect(plainText(output)).not.toContain("embed → vectors");
      expect(output).not.toContain("\x1b[?25l");
    }
  });
});

describe("where the output is not a terminal", () => {
  it("prints nothing by default", async () => {
    const { stdout, stderr } = await runPiped(fixture, []);
    expect(stdout).toBe("RESULT total=72\n");
    expect(stderr).toMatch(/^\[CACHE\] vectors: 4 ✓ HIT, 4 ✗ MISS .*\nAFTER RUN\n$/);
  });

  it("prints plain lines, without escape sequences, with progress: true", async () => {
    const { stderr } = await runPiped(fixture, ["--progress=true"]);
    expect(stderr).not.toContain("\x1b");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^daft: embed → vectors done 8\/8 · 4 hits · \d\.\d\ds$/);
    expect(lines[1]).toMatch(/^daft: score → scores done 8\/8 · \d\.\d\ds$/);
    expect(lines[2]).toMatch(/^daft: total done \d\.\d\ds$/);
    expect(lines[3]).toMatch(/^daft: done in \d\.\d\ds · 3\/3 nodes$/);
    expect(lines[4]).toContain(SUMMARY);
    expect(lines[5]).toBe("AFTER RUN");
  });
});

describe("failures of the display", () => {
  it("never fail the run: a terminal whose writes throw gives one warning and the right result", async () => {
    for (const mode of ["throw-tty", "throw-plain"]) {
      const { stdout, stderr } = await runPiped(fixture, [`--progress=${mode}`]);
      expect(stdout).toBe("RESULT total=72\n");
      expect(stderr).toContain(SUMMARY);
      expect(stderr.match(/progress display failed and was ignored: terminal gone/g)).toHaveLength(1);
    }
  });
});

describe("settings", () => {
  const tty: ProgressStream = { isTTY: true, write: () => true };
  const pipe: ProgressStream = { write: () => true };

  it("auto: on a TTY outside CI and not on a dumb terminal; true forces plain lines elsewhere; false is off", () => {
    const env = { TERM: "xterm" };
    expect(resolveProgress("auto", env)).toBeUndefined(); // process.stderr under the test runner is not a TTY
    expect(resolveProgress({ stream: tty }, env)).toMatchObject({ mode: "live", colour: true, showAfterMs: 300, refreshMs: 100, keep: true });
    expect(resolveProgress({ stream: tty }, { ...env, CI: "true" })).toBeUndefined();
    expect(resolveProgress({ stream: tty }, { ...env, CI: "false" })).toMatchObject({ mode: "live" });
    expect(resolveProgress({ stream: tty }, { TERM: "dumb" })).toBeUndefined();
    expect(resolveProgress({ stream: tty, enabled: true }, { TERM: "dumb" })).toMatchObject({ mode: "plain", colour: false });
    expect(resolveProgress({ stream: pipe }, env)).toBeUndefined();
    expect(resolveProgress({ stream: pipe, enabled: true }, { ...env, CI: "1" })).toMatchObject({ mode: "plain" });
    expect(resolveProgress({ stream: tty, enabled: false }, env)).toBeUndefined();
    expect(resolveProgress(false, env)).toBeUndefined();
    expect(resolveProgress({ stream: tty }, { ...env, NO_COLOR: "1" })).toMatchObject({ colour: false });
  });

  it("rejects a malformed option when the Runner is made, saying what is accepted", () => {
    expect(() => new Runner({ progress: "yes" as never })).toThrow(DefinitionError);
    expect(() => new Runner({ progress: "yes" as never })).toThrow(/Use "auto" \(default\), true, false, or \{ enabled, stream/);
    expect(() => new Runner({ progress: { showAfterMs: -1 } })).toThrow(/showAfterMs must be a non-negative number/);
    expect(() => new Runner({ progress: { refreshMs: 0 } })).toThrow(/refreshMs must be a positive number/);
    expect(() => new Runner({ progress: { delay: 5 } as never })).toThrow(/unknown option "delay"/);
    expect(() => new Runner({ progress: { stream: {} as never } })).toThrow(/stream must be a writable stream/);
    expect(new Runner({ progress: { enabled: true, keep: false } }).progress).toEqual({ enabled: true, keep: false });
  });
});

describe("loading", () => {
  it("loads the terminal library only for a run that draws", async () => {
    const trace = copyFixture("progress-import-trace");
    const quietLog = trace.path("quiet.log");
    await runNode(["--import", "./trace.mjs", "use-daft.mjs"], { cwd: trace.dir, env: { ...process.env, IMPORT_LOG: quietLog } });
    const quiet = readFileSync(quietLog, "utf8");
    expect(quiet).toContain("/dist/src/index.js"); // the trace sees daft's own (bundled) runtime…
    expect(quiet).not.toContain("log-update"); // …and no terminal library for a run that shows nothing

    const drawnLog = join(trace.dir, "drawn.log");
    const { stdout } = await runNode(["--import", "./trace.mjs", "use-daft.mjs", "progress"], {
      cwd: trace.dir,
      env: { ...process.env, IMPORT_LOG: drawnLog },
    });
    expect(stdout).toContain("PROGRESS OK");
    expect(readFileSync(drawnLog, "utf8")).toMatch(/node_modules\/log-update\/index\.js/);
  });
});
