/**
 * `daft cache explain <node> [--dir .cache] [--all] [--json]`: the latest signature stored for a
 * node, part by part (code, environment, imported files, inputs), with the value it produced.
 * A mapped node has one signature per item: a summary, then the most recent items (all of
 * them with --all); `output::itemKey` shows that one item.
 */
import type { NodeSignature } from "../cache/types.js";
import { nodeOf, type StoredEntryInfo } from "../cache/disk/inspect.js";
import { CliError } from "./errors.js";
import { openCache, printJson } from "./open-cache.js";
import { plural } from "./cache-stats.js";
import { nameList, printable } from "./printable.js";
import { formatAgo, formatBytes, formatTime } from "./units.js";

/** Items of a mapped node shown in full without --all. */
const SHOWN_ITEMS = 3;

interface KeyExplanation {
  signature: NodeSignature;
  /** The value the signature produced, when it is still stored. */
  stored: StoredEntryInfo | undefined;
  /** Results stored for the same key by earlier signatures (other inputs, older code…). */
  older: StoredEntryInfo[];
}

export interface ExplainOptions {
  dir: string;
  all?: boolean;
  json?: boolean;
}

export function cacheExplain(name: string, options: ExplainOptions): void {
  const { cache, shown } = openCache(options.dir, true)!;
  const wantsItem = name.includes("::");
  const node = nodeOf(name)!;
  const signatures = cache.signatures();
  const matching = signatures.filter((signature) => (wantsItem ? signature.nodeName === name : nodeOf(signature.nodeName) === node));
  if (matching.length === 0) throw new CliError(notFoundMessage(name, shown, signatures));

  const entriesByKey = new Map<string, StoredEntryInfo[]>();
  for (const entry of cache.entries()) {
    if (entry.nodeName === undefined || nodeOf(entry.nodeName) !== node) continue;
    const list = entriesByKey.get(entry.nodeName) ?? [];
    list.push(entry);
    entriesByKey.set(entry.nodeName, list);
  }
  const keys: KeyExplanation[] = matching
    .sort((a, b) => b.timestamp - a.timestamp || (a.nodeName < b.nodeName ? -1 : 1))
    .map((signature) => {
      const entries = entriesByKey.get(signature.nodeName) ?? [];
      return {
        signature,
        stored: entries.find((entry) => entry.signature !== undefined),
        older: entries.filter((entry) => entry.signature === undefined),
      };
    });
  const mapped = keys.some((key) => key.signature.nodeName.includes("::"));

  if (options.json) {
    printJson({ cacheDir: cache.cacheDir, node, mapped, keys: keys.map(keyToJson) });
    return;
  }
  const lines: string[] = [];
  const detailed = wantsItem || options.all || keys.length <= SHOWN_ITEMS ? keys : keys.slice(0, SHOWN_ITEMS);
  if (mapped && !wantsItem) lines.push(...mappedSummary(node, keys, detailed.length));
  for (const key of detailed) lines.push(...describeKey(key), "");
  process.stdout.write(`${lines.join("\n").trimEnd()}\n`);
}

function notFoundMessage(name: string, shown: string, signatures: NodeSignature[]): string {
  if (signatures.length === 0) return `no signature of "${printable(name)}" in ${shown}: the cache has no signatures yet (run a pipeline with it first)`;
  return `no signature of "${printable(name)}" in ${shown}; nodes with signatures: ${nameList(signatures.map((signature) => nodeOf(signature.nodeName)!))}`;
}

function distinct(keys: KeyExplanation[], hash: (signature: NodeSignature) => string): number {
  return new Set(keys.map((key) => hash(key.signature))).size;
}

function mappedSummary(node: string, keys: KeyExplanation[], shownCount: number): string[] {
  const stored = keys.filter((key) => key.stored);
  const bytes = keys.reduce((total, key) => total + (key.stored?.bytes ?? 0) + key.older.reduce((sum, entry) => sum + entry.bytes, 0), 0);
  const olderCount = keys.reduce((total, key) => total + key.older.length, 0);
  const lines = [
    `${printable(node)}: mapped node, ${keys.length} ${plural(keys.length, "item", "items")} with a signature, ` +
      `${stored.length} with their latest value stored, ${olderCount} older ${plural(olderCount, "result", "results")}, ${formatBytes(bytes)} in all`,
    `  distinct hashes across items: code ${distinct(keys, (s) => s.codeHash)}, env ${distinct(keys, (s) => s.envHash)}, ` +
      `deps ${distinct(keys, (s) => s.depsHash)}, inputs ${distinct(keys, (s) => s.inputsHash)}`,
  ];
  if (shownCount < keys.length) {
    lines.push(`  the ${shownCount} most recent items follow; --all shows every item, "${printable(node)}::<item key>" one of them`);
  }
  lines.push("");
  return lines;
}

function partLines(title: string, hash: string, parts: Record<string, string> | undefined): string[] {
  const lines = [`  ${title.padEnd(7)} ${hash === "" ? "(none)" : printable(hash)}`];
  const names = Object.keys(parts ?? {}).sort();
  const shownNames = names.map(printable);
  const width = Math.max(0, ...shownNames.map((name) => name.length));
  names.forEach((name, i) => lines.push(`    ${shownNames[i]!.padEnd(width)}  ${printable(String(parts![name]))}`));
  return lines;
}

function describeKey({ signature, stored, older }: KeyExplanation): string[] {
  const now = Date.now();
  const parts = signature.parts ?? {};
  const lines = [
    `${printable(signature.nodeName)}  (latest signature, recorded ${formatTime(signature.timestamp)}, ${formatAgo(signature.timestamp, now)})`,
    ...partLines("code", signature.codeHash, undefined),
    ...partLines("env", signature.envHash, parts.env),
    ...partLines("deps", signature.depsHash, parts.deps),
    ...partLines("inputs", signature.inputsHash, parts.inputs),
  ];
  if (stored) {
    const created = stored.createdAt === undefined ? "" : `, created ${formatTime(stored.createdAt)}`;
    lines.push(`  value   ${formatBytes(stored.bytes)}${created}, last used ${formatAgo(stored.lastAccess, now)}`);
  } else {
    lines.push("  value   not stored (evicted, cleared, or it could not be serialised)");
  }
  if (older.length > 0) {
    const bytes = older.reduce((total, entry) => total + entry.bytes, 0);
    lines.push(`  older   ${older.length} ${plural(older.length, "result", "results")} of earlier signatures (${formatBytes(bytes)})`);
  }
  return lines;
}

function keyToJson({ signature, stored, older }: KeyExplanation): unknown {
  const entry = (info: StoredEntryInfo) => ({
    key: info.key,
    bytes: info.bytes,
    createdAt: info.createdAt === undefined ? null : new Date(info.createdAt).toISOString(),
    lastAccess: new Date(info.lastAccess).toISOString(),
  });
  return {
    nodeName: signature.nodeName,
    recordedAt: new Date(signature.timestamp).toISOString(),
    codeHash: signature.codeHash,
    envHash: signature.envHash,
    depsHash: signature.depsHash,
    inputsHash: signature.inputsHash,
    parts: { env: signature.parts?.env ?? {}, deps: signature.parts?.deps ?? {}, inputs: signature.parts?.inputs ?? {} },
    stored: stored ? entry(stored) : null,
    older: older.map(entry),
  };
}
