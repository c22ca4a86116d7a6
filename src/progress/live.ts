/**
 * The display for a person at a terminal: a table of nodes redrawn in place by log-update
 * (loaded on the first run that needs it, so importing daft stays cheap), ten times a second
 * at most. The final table stays on screen (or is erased with `keep: false`); whatever the
 * runner prints next (the `[CACHE]` summary) starts on the line below it.
 */
import { ProgressDisplay, now } from "./display.js";
import { renderTable } from "./render.js";
import type { ProgressStream } from "./settings.js";

type LogUpdate = ReturnType<typeof import("log-update").createLogUpdate>;

export class LiveDisplay extends ProgressDisplay {
  private logUpdate: LogUpdate | undefined;
  private drawing = false;
  private frame = 0;

  protected override prepare(): void {
    import("log-update").then(
      ({ createLogUpdate }) =>
        this.guard(() => {
          if (!this.active) return;
          const stream = this.settings.stream;
          // Hide the cursor only on the process's own terminal; log-update restores it on exit.
          const ownTerminal = stream === process.stderr || stream === process.stdout;
          // log-update only writes and reads the size, which is all ProgressStream promises.
          const target = withTerminalSize(stream) as unknown as NodeJS.WritableStream;
          this.logUpdate = createLogUpdate(target, { showCursor: !ownTerminal });
          if (this.due) this.show();
        }),
      (error: unknown) => this.fail(error),
    );
  }

  protected override show(): void {
    if (!this.logUpdate || this.drawing) return; // drawn once log-update has loaded
    this.drawing = true;
    this.draw();
    this.after(this.settings.refreshMs, () => this.draw(), true);
  }

  protected override finish(): void {
    if (!this.drawing || !this.logUpdate) return;
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
