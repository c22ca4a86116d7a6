/**
 * The display for a person at a terminal: a table of nodes redrawn in place by log-update, ten
 * times a second at most. The final table stays on screen (or is erased with `keep: false`);
 * whatever the runner prints next (the `[CACHE]` summary) starts on the line below it.
 */
import { createRequire } from "node:module";
import { ProgressDisplay, now } from "./display.js";
import { renderTable } from "./render.js";
import type { ProgressStream } from "./settings.js";

type LogUpdateModule = typeof import("log-update");
type LogUpdate = ReturnType<LogUpdateModule["createLogUpdate"]>;

/**
 * log-update is loaded when a display first shows, not when daft is imported: most runs never
 * draw. Loaded synchronously (require of an ES module, Node ≥ 20.19) because a run of
 * synchronous nodes never yields to let an `import()` finish, and it should be drawn too.
 */
const requireHere = createRequire(import.meta.url);

export class LiveDisplay extends ProgressDisplay {
  protected readonly updateEveryMs = this.settings.refreshMs;
  private logUpdate: LogUpdate | undefined;
  private frame = 0;

  protected override show(): void {
    const { createLogUpdate } = requireHere("log-update") as LogUpdateModule;
    const stream = this.settings.stream;
    // Hide the cursor only on the process's own terminal; log-update restores it on exit.
    const ownTerminal = stream === process.stderr || stream === process.stdout;
    // log-update only writes and reads the size, which is all ProgressStream promises.
    const target = withTerminalSize(stream) as unknown as NodeJS.WritableStream;
    this.logUpdate = createLogUpdate(target, { showCursor: !ownTerminal });
    this.draw();
  }

  protected override update(): void {
    this.draw();
  }

  protected override finish(): void {
    if (!this.logUpdate) return;
    if (this.settings.keep) this.draw();
    else this.logUpdate.clear();
    this.logUpdate.done();
  }

  protected override abandon(): void {
    this.logUpdate?.done(); // shows the cursor again
  }

  private draw(): void {
    this.logUpdate!(renderTable(this.progress!, now(), this.frame++, this.settings.colour));
  }
}

/**
 * Some pseudo-terminals report 0 columns and rows; log-update would then wrap every character
 * or print nothing. Assume a common size instead.
 */
function withTerminalSize(stream: ProgressStream): ProgressStream {
  return {
    isTTY: stream.isTTY,
    get columns() {
      return stream.columns || 80;
    },
    get rows() {
      return stream.rows || 24;
    },
    write: (text: string) => stream.write(text),
  };
}
