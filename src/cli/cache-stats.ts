/**
 * `daft cache stats [--dir .cache] [--json]`: what is stored, overall and per node. A mapped
 * node's items are counted under their node (`scored::doc-1` counts for `scored`).
 */
import { nodeOf, type StoredEntryInfo } from "../cache/disk/inspect.js";
import { openCache, printJson } from "./open-cache.js";
import { printable } from "./printable.js";
import { formatTable } from "./table.js";
import { formatAgo, formatBytes } from "./units.js";

export interface NodeSummary {
  /** The node's output name; "(unnamed)" for results stored without one. */
  node: string;
  /** Stored results. */
  entries: number;
  /** For a mapped node cached per item: how many distinct items have a stored result. */
  items: number | undefined;
  bytes: number;
  lastAccess: number;
}

export interface CacheSummary {
  cacheDir: string;
  entries: number;
  bytes: number;
  nodes: NodeSummary[];
}

export function summariseEntries(cacheDir: string, entries: readonly StoredEntryInfo[]): CacheSummary {
  const nodes = new Map<string, NodeSummary & { keys: Set<string> }>();
  let bytes = 0;
  for (const entry of entries) {
    bytes += entry.bytes;
    const name = nodeOf(entry.nodeName) ?? "(unnamed)";
    let node = nodes.get(name);
    if (!node) nodes.set(name, (node = { node: name, entries: 0, items: undefined, bytes: 0, lastAccess: 0, keys: new Set() }));
    node.entries++;
    node.bytes += entry.bytes;
    node.lastAccess = Math.max(node.lastAccess, entry.lastAccess);
    if (entry.nodeName?.includes("::")) node.keys.add(entry.nodeName);
  }
  const summaries = [...nodes.values()]
    .map(({ keys, ...node }) => ({ ...node, items: keys.size > 0 ? keys.size : undefined }))
    .sort((a, b) => b.bytes - a.bytes || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return { cacheDir, entries: entries.length, bytes, nodes: summaries };
}

export function cacheStats(options: { dir: string; json?: boolean }): void {
  const { cache, shown } = openCache(options.dir, true)!;
  const summary = summariseEntries(cache.cacheDir, cache.entries());
  const legacy = cache.legacyFiles();
  if (options.json) {
    printJson({
      ...summary,
      nodes: summary.nodes.map((node) => ({ ...node, items: node.items ?? null, lastAccess: new Date(node.lastAccess).toISOString() })),
      legacyFiles: legacy,
    });
    return;
  }
  const lines = [`Cache ${shown}: ${summary.entries} ${plural(summary.entries, "entry", "entries")}, ${formatBytes(summary.bytes)}`];
  if (legacy.files > 0) {
    lines.push(
      `plus ${legacy.files} ${plural(legacy.files, "file", "files")} of an earlier daft format (${formatBytes(legacy.bytes)}), never read: ` +
        "daft cache prune or daft cache clear removes them",
    );
  }
  if (summary.nodes.length > 0) {
    const now = Date.now();
    const rows = summary.nodes.map((node) => [printable(node.node), node.entries, node.items ?? "", formatBytes(node.bytes), formatAgo(node.lastAccess, now)]);
    lines.push("", formatTable(["node", "entries", "items", "size", "last used"], rows));
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

export function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
