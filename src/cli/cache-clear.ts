/**
 * `daft cache clear [node] [--dir .cache] [--json]`: removes every stored result and signature,
 * or, given a node, only that node's, asking nothing, and says what it removed. Files of the
 * user's own in the directory stay.
 */
import type { DiskCache } from "../cache/disk/index.js";
import { nodeOf } from "../cache/disk/inspect.js";
import { CliError, UsageError } from "./errors.js";
import { openCache, printJson } from "./open-cache.js";
import { plural } from "./cache-stats.js";
import { nameList, printable } from "./printable.js";
import { formatBytes } from "./units.js";

export interface ClearCommandOptions {
  dir: string;
  json?: boolean;
}

export function cacheClear(node: string | undefined, options: ClearCommandOptions): void {
  if (node === undefined) clearAll(options);
  else clearNode(node, options);
}

function clearAll(options: ClearCommandOptions): void {
  const opened = openCache(options.dir, false);
  if (!opened) {
    if (options.json) printJson({ cacheDir: null, removedEntries: 0, removedBytes: 0, removedSignatures: 0 });
    else process.stdout.write(`Nothing to clear: no cache directory at ${options.dir}\n`);
    return;
  }
  const { cache, shown } = opened;
  const entries = cache.entries();
  const signatures = cache.signatures().length;
  const bytes = entries.reduce((total, entry) => total + entry.bytes, 0);
  const legacy = cache.legacyFiles();
  cache.clear();
  if (options.json) {
    printJson({
      cacheDir: cache.cacheDir,
      removedEntries: entries.length,
      removedBytes: bytes,
      removedSignatures: signatures,
      removedLegacyFiles: legacy.files,
      removedLegacyBytes: legacy.bytes,
    });
    return;
  }
  const legacyPart = legacy.files > 0 ? `, and ${legacy.files} ${plural(legacy.files, "file", "files")} of an earlier daft format (${formatBytes(legacy.bytes)})` : "";
  process.stdout.write(`Cleared ${shown}: ${removedText(entries.length, bytes, signatures)}${legacyPart}\n`);
}

/**
 * One node, named as `stats` and `explain` name it (its output; `output::itemKey` for one item).
 * What it removes is decided inside the removal's own transaction; a name that matched nothing
 * is refused afterwards, with the names the cache does hold.
 */
function clearNode(node: string, options: ClearCommandOptions): void {
  if (node === "") throw new UsageError("the node to clear cannot be an empty name; daft cache stats lists the nodes");
  const { cache, shown } = openCache(options.dir, true)!;
  const result = cache.clearNode(node);
  if (result.removedEntries === 0 && result.removedSignatures === 0) throw new CliError(unknownNodeMessage(node, shown, cache));
  if (options.json) {
    printJson({ cacheDir: cache.cacheDir, node, ...result });
    return;
  }
  process.stdout.write(`Cleared ${printable(node)} from ${shown}: ${removedText(result.removedEntries, result.removedBytes, result.removedSignatures)}\n`);
}

function unknownNodeMessage(node: string, shown: string, cache: DiskCache): string {
  const names = [...cache.entries().map((entry) => nodeOf(entry.nodeName)), ...cache.signatures().map((signature) => nodeOf(signature.nodeName))];
  const held = names.filter((name): name is string => name !== undefined);
  if (held.length === 0) return `nothing stored for "${printable(node)}" in ${shown}: the cache holds no node's results`;
  return (
    `nothing stored for "${printable(node)}" in ${shown}; it holds the nodes ${nameList(held)} ` +
    "(a node is named by its output, as daft cache stats lists it)"
  );
}

function removedText(entries: number, bytes: number, signatures: number): string {
  return `removed ${entries} ${plural(entries, "entry", "entries")} (${formatBytes(bytes)}) and ${signatures} ${plural(signatures, "signature", "signatures")}`;
}
