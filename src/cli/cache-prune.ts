/**
 * `daft cache prune [--dir .cache] [--max-size 500MB] [--max-age 7d] [--json]`: removes entries
 * unused for longer than the age, then the least recently used until the total fits the size.
 *
 * Without a limit it applies the limit every DiskCache applies by itself (`DEFAULT_MAX_SIZE`,
 * no age limit): the CLI cannot see the options a program passes to its DiskCache, and the
 * default is the one limit a cache has without any.
 */
import { DEFAULT_MAX_SIZE, type PruneOptions } from "../cache/disk/index.js";
import { openCache, printJson } from "./open-cache.js";
import { plural } from "./cache-stats.js";
import { printable } from "./printable.js";
import { formatTable } from "./table.js";
import { formatAgo, formatBytes, formatDuration, parseDuration, parseSize } from "./units.js";

/** Removed entries listed one per line, up to this many (all of them with --json). */
const LISTED = 20;

export interface PruneCommandOptions {
  dir: string;
  maxSize?: string;
  maxAge?: string;
  json?: boolean;
}

export function pruneLimits(options: PruneCommandOptions): { limits: PruneOptions; defaulted: boolean } {
  const limits: PruneOptions = {};
  if (options.maxSize !== undefined) limits.maxSize = parseSize(options.maxSize);
  if (options.maxAge !== undefined) limits.maxAge = parseDuration(options.maxAge);
  if (limits.maxSize === undefined && limits.maxAge === undefined) return { limits: { maxSize: DEFAULT_MAX_SIZE }, defaulted: true };
  return { limits, defaulted: false };
}

/** The limits as the user wrote them, with what they mean when that is not obvious. */
function describeLimits(limits: PruneOptions, options: PruneCommandOptions): string {
  const parts: string[] = [];
  if (limits.maxSize !== undefined) {
    const exact = formatBytes(limits.maxSize);
    parts.push(`max size ${options.maxSize === undefined ? exact : `${options.maxSize} = ${limits.maxSize} bytes`}`);
  }
  if (limits.maxAge !== undefined) parts.push(`max age ${options.maxAge === undefined ? "" : `${options.maxAge} = `}${formatDuration(limits.maxAge)}`);
  return parts.join(", ");
}

export function cachePrune(options: PruneCommandOptions): void {
  const { limits, defaulted } = pruneLimits(options);
  const opened = openCache(options.dir, false);
  if (!opened) {
    if (options.json) printJson({ cacheDir: null, limits, removed: [], removedBytes: 0, remainingEntries: 0, remainingBytes: 0 });
    else process.stdout.write(`Nothing to prune: no cache directory at ${options.dir}\n`);
    return;
  }
  const { cache, shown } = opened;
  const result = cache.prune(limits);
  if (options.json) {
    printJson({
      cacheDir: cache.cacheDir,
      limits,
      removed: result.removed.map((entry) => ({ ...entry, lastAccess: new Date(entry.lastAccess).toISOString() })),
      removedBytes: result.removedBytes,
      remainingEntries: result.remainingEntries,
      remainingBytes: result.remainingBytes,
    });
    return;
  }
  const count = result.removed.length;
  const lines = [
    `Pruned ${shown} (${describeLimits(limits, options)}${defaulted ? ", the DiskCache default; set --max-size or --max-age" : ""}): ` +
      `removed ${count} ${plural(count, "entry", "entries")} (${formatBytes(result.removedBytes)}), ` +
      `${result.remainingEntries} ${plural(result.remainingEntries, "entry", "entries")} (${formatBytes(result.remainingBytes)}) remain`,
  ];
  if (count > 0) {
    const now = Date.now();
    const rows = result.removed
      .slice(0, LISTED)
      .map((entry) => [printable(entry.nodeName ?? entry.key), formatBytes(entry.bytes), formatAgo(entry.lastAccess, now)]);
    lines.push("", formatTable(["removed (least recently used first)", "size", "last used"], rows));
    if (count > LISTED) lines.push(`… and ${count - LISTED} more (--json lists them all)`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
