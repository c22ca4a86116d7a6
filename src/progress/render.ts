/**
 * The text of the progress display: a table (one row per node) for a terminal, and single
 * lines for logs. Pure functions of the run's state and the clock.
 */
import { styleText } from "node:util";
import type { ProgressRow, RowStatus, RunProgress } from "./state.js";

type Style = Parameters<typeof styleText>[0];

const SYMBOLS: Record<Exclude<RowStatus, "running">, string> = { pending: "·", done: "✓", cached: "✓", failed: "✗" };
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const STYLES: Record<RowStatus, Style> = { pending: "dim", running: "yellow", done: "green", cached: "cyan", failed: "red" };

/** 0.42s, 12.3s, 4m 05s: precise when short, readable when long. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function elapsed(row: ProgressRow, now: number): string {
  if (row.durationMs !== undefined) return formatDuration(row.durationMs);
  return row.startedAt === undefined ? "" : formatDuration(now - row.startedAt);
}

/** The cells of a row: symbol, node, status, items, hits, time. */
function cells(row: ProgressRow, now: number, frame: number): string[] {
  const symbol = row.status === "running" ? SPINNER[frame % SPINNER.length]! : SYMBOLS[row.status];
  const items = row.items === undefined || row.status === "pending" ? "" : `${row.finished}/${row.items}`;
  const hits = row.hits > 0 ? plural(row.hits, "hit") : "";
  return [symbol, row.label, row.status, items, hits, elapsed(row, now)];
}

const RIGHT_ALIGNED = new Set([3, 5]);
/** The status column fits its longest word, so columns do not shift as statuses change. */
const MIN_WIDTHS = [1, 0, "running".length, 0, 0, 0];

/** Pads by code points, so `→` and the spinner count as one column. */
const width = (text: string) => [...text].length;

function header(progress: RunProgress, now: number): string {
  const total = progress.rows.length;
  const nodes = `${progress.completed}/${total} nodes`;
  if (progress.finishedAt === undefined) return `daft · ${nodes} · ${formatDuration(now - progress.startedAt)}`;
  const time = formatDuration(progress.finishedAt - progress.startedAt);
  return progress.failed ? `daft · failed after ${time} · ${nodes}` : `daft · done in ${time} · ${nodes}`;
}

/** The table drawn on a terminal: a header line, then one aligned row per node. */
export function renderTable(progress: RunProgress, now: number, frame: number, colour: boolean): string {
  const table = progress.rows.map((row) => cells(row, now, frame));
  const widths = MIN_WIDTHS.map((min, column) => Math.max(min, ...table.map((row) => width(row[column]!))));
  const paint = (style: Style, text: string) => (colour ? styleText(style, text) : text);
  const lines = table.map((row, index) => {
    const status = progress.rows[index]!.status;
    const padded = row.map((cell, column) => {
      const pad = " ".repeat(widths[column]! - width(cell));
      return RIGHT_ALIGNED.has(column) ? pad + cell : cell + pad;
    });
    const [symbol, ...rest] = padded;
    const text = `  ${paint(STYLES[status], symbol!)} ${rest.join("  ").trimEnd()}`;
    return status === "pending" ? paint("dim", text) : text;
  });
  return [paint("bold", header(progress, now)), ...lines].join("\n");
}

/** One line for logs, e.g. `daft: embed → vectors done 40/40 · 3 hits · 1.38s`. */
export function renderLine(row: ProgressRow, now: number): string {
  const parts = [row.items === undefined ? "" : `${row.finished}/${row.items}`, row.hits > 0 ? plural(row.hits, "hit") : "", elapsed(row, now)];
  return `daft: ${row.label} ${row.status} ${parts.filter(Boolean).join(" · ")}`.trimEnd();
}

/** The last line for logs: how the run ended. */
export function renderSummaryLine(progress: RunProgress, now: number): string {
  return `${header(progress, now).replace(/^daft · /, "daft: ")}`;
}
