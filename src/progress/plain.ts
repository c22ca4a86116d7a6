/**
 * The display for logs (progress forced on where the output is not a terminal): no cursor
 * movement, one line per finished node, and every HEARTBEAT_MS a line for each node still
 * running, so a long mapped node shows signs of life in a CI log.
 */
import { ProgressDisplay, now } from "./display.js";
import { renderLine, renderSummaryLine } from "./render.js";
import type { ProgressRow } from "./state.js";

const HEARTBEAT_MS = 10_000;

export class PlainDisplay extends ProgressDisplay {
  protected readonly updateEveryMs = HEARTBEAT_MS;
  /** Rows that finished before the display was due, printed when it is. */
  private readonly backlog: ProgressRow[] = [];

  protected override show(): void {
    for (const row of this.backlog.splice(0)) this.print(row);
  }

  protected override update(): void {
    for (const row of this.progress!.rows) if (row.status === "running") this.print(row);
  }

  protected override rowFinished(row: ProgressRow): void {
    if (this.due) this.print(row);
    else this.backlog.push(row);
  }

  protected override finish(): void {
    if (!this.due) return; // a short run prints nothing
    for (const row of this.progress!.rows) if (row.status === "failed") this.print(row);
    this.settings.stream.write(`${renderSummaryLine(this.progress!, now())}\n`);
  }

  private print(row: ProgressRow): void {
    this.settings.stream.write(`${renderLine(row, now())}\n`);
  }
}
