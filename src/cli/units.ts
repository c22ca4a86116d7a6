/**
 * Sizes and durations as people type and read them: `--max-size 500MB`, `--max-age 7d`.
 *
 * Sizes: kB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB and the single letters K, M, G, T
 * are powers of 1024 (as `du`, `sort -h` and Docker read them); a plain number is bytes.
 * Durations: ms, s, m (or min), h, d, w, combinable (`1d12h`); a plain number other than 0 is
 * refused, since minutes and milliseconds are both plausible readings.
 */
import { UsageError } from "./errors.js";

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

export function parseSize(text: string, option = "--max-size"): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? "";
  const factor = unit === "" ? 1 : SIZE_UNITS[unit];
  if (!match || factor === undefined) {
    throw new UsageError(`${option}: cannot read "${text}" as a size; write e.g. 500MB, 2GiB, 750M or 1048576 (bytes)`);
  }
  return Math.floor(Number(match[1]) * factor);
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseDuration(text: string, option = "--max-age"): number {
  const trimmed = text.trim();
  if (/^0+(\.0+)?$/.test(trimmed)) return 0;
  const part = /(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    end = part.lastIndex;
  }
  if (end === 0 || end !== trimmed.length) {
    throw new UsageError(`${option}: cannot read "${text}" as a duration; write e.g. 7d, 12h, 30m, 1d12h or 90s`);
  }
  return Math.round(total);
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "unlimited";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

const SPANS: Array<[ms: number, singular: string]> = [
  [604_800_000, "week"],
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
];

/** "7 days", "1 day 12 hours", "90 seconds" → "1 minute 30 seconds" (two largest parts). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return ms === 0 ? "0" : `${ms} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [span, name] of SPANS) {
    const count = Math.floor(rest / span);
    if (count === 0) continue;
    parts.push(`${count} ${name}${count === 1 ? "" : "s"}`);
    rest -= count * span;
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** "just now", "5 minutes ago", "3 days ago". */
export function formatAgo(timestamp: number, now = Date.now()): string {
  const elapsed = now - timestamp;
  if (elapsed < 60_000) return "just now";
  for (const [span, name] of SPANS) {
    const count = Math.floor(elapsed / span);
    if (count >= 1) return `${count} ${name}${count === 1 ? "" : "s"} ago`;
  }
  return "just now";
}

/** "2025-06-01 12:00:03Z" (UTC, to the second). */
export function formatTime(timestamp: number): string {
  return new Date(timestamp).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
