/**
 * Runs the progress fixture inside a real pseudo-terminal (util-linux `script`), and replays what
 * the terminal received through a terminal emulator (@xterm/headless) to read the screen a user
 * would be left with.
 */
import { stripVTControlCharacters } from "node:util";
import xterm from "@xterm/headless";
import { copyFixture, type FixtureCopy } from "./fixture.js";
import { runProcess, type ProcessResult } from "./node-process.js";

export const COLUMNS = 100;
export const ROWS = 40;

/** A copy of fixtures/progress-run with `daft` linked to this package's build. */
export function progressFixture(): FixtureCopy {
  return copyFixture("progress-run");
}

/** The environment of a person at a terminal: no CI variable, colours allowed. */
export function terminalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color", ...extra };
  if (!("CI" in extra)) delete env.CI;
  if (!("NO_COLOR" in extra)) delete env.NO_COLOR;
  return env;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `node run.mjs …args` with its stdout and stderr on a pseudo-terminal of COLUMNS × ROWS;
 * `output` is every byte the terminal received, escape sequences included.
 */
export async function runInTerminal(fixture: FixtureCopy, args: string[], env = terminalEnv()): Promise<ProcessResult & { output: string }> {
  const command = `stty cols ${COLUMNS} rows ${ROWS} && exec ${shellQuote(process.execPath)} run.mjs ${args.map(shellQuote).join(" ")}`;
  const result = await runProcess("script", ["-qfec", command, "/dev/null"], { cwd: fixture.dir, env });
  if (result.code !== 0) throw new Error(`script exited with ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  return { ...result, output: result.stdout };
}

/** Runs `node run.mjs …args` with stdout and stderr piped: not a terminal. */
export async function runPiped(fixture: FixtureCopy, args: string[], env = terminalEnv()): Promise<ProcessResult> {
  const result = await runProcess(process.execPath, ["run.mjs", ...args], { cwd: fixture.dir, env });
  if (result.code !== 0) throw new Error(`run.mjs exited with ${result.code ?? result.signal}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The text a terminal shows after receiving `output` (scrollback included), one string per logical line. */
export async function screenOf(output: string): Promise<string[]> {
  const terminal = new xterm.Terminal({ cols: COLUMNS, rows: ROWS, scrollback: 1000, allowProposedApi: true });
  await new Promise<void>((resolve) => terminal.write(output, resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    const text = line?.translateToString(true) ?? "";
    // A line longer than the terminal continues on the next row: join it back.
    if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  terminal.dispose();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The output as plain text: every frame ever drawn, escape sequences removed. */
export function plainText(output: string): string {
  return stripVTControlCharacters(output).replace(/\r/g, "");
}
