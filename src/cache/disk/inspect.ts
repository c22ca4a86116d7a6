/**
 * What the `daft cache` commands show: stored entries, totals per node. Built from one scan of
 * the store's index (a few dozen bytes per entry, see value-record.ts) and the latest signatures.
 */
import type { NodeSignature } from "../types.js";
import { believableLastUse } from "./eviction.js";
import type { MetaRecord } from "./meta-store.js";
import type { IndexedEntry } from "./value-store.js";

/** One stored result. */
export interface StoredEntryInfo {
  /** The key it is stored under (the runner's blob key). */
  key: string;
  /** `output` or `output::itemKey`, when the writer said so. */
  nodeName?: string;
  /** Bytes it takes in the store (its value record and chunks). */
  bytes: number;
  /** When the value was computed (ms since the epoch), when known. */
  createdAt?: number;
  /** Last write or hit (ms since the epoch, to within a minute, never in the future); eviction removes the oldest first. */
  lastAccess: number;
  /** The signature that produced it, when it is still the latest one recorded for its node. */
  signature?: NodeSignature;
}

/** Totals for one node; a mapped node cached per item counts all its items. */
export interface NodeUsage {
  /** The node's output name (`output` of `output::itemKey`), or undefined for entries without one. */
  node: string | undefined;
  entries: number;
  bytes: number;
  /** Most recent use of any of its entries. */
  lastAccess: number;
}

export interface DiskCacheStats {
  cacheDir: string;
  entries: number;
  bytes: number;
  /** Largest first. */
  nodes: NodeUsage[];
}

export function describeEntry(indexed: IndexedEntry, signatures: ReadonlyMap<string, MetaRecord>, now: number): StoredEntryInfo {
  const entry: StoredEntryInfo = {
    key: indexed.key ?? indexed.id,
    bytes: indexed.bytes,
    lastAccess: Math.round(believableLastUse(indexed.lastAccess, indexed.createdAt, now)),
  };
  if (indexed.nodeName !== undefined) {
    entry.nodeName = indexed.nodeName;
    const record = signatures.get(indexed.nodeName);
    if (record && record.blobKey === entry.key) entry.signature = record.signature;
  }
  if (indexed.createdAt !== undefined) entry.createdAt = indexed.createdAt;
  return entry;
}

/** The node a cache key belongs to: `output` of `output::itemKey`. */
export function nodeOf(nodeName: string | undefined): string | undefined {
  if (nodeName === undefined) return undefined;
  const separator = nodeName.indexOf("::");
  return separator === -1 ? nodeName : nodeName.slice(0, separator);
}

/**
 * Whether a cache key belongs to what the user named: `output` names the node and every item of
 * it (`output::itemKey`), `output::itemKey` names that one item.
 */
export function belongsTo(nodeName: string | undefined, name: string): boolean {
  if (nodeName === undefined) return false;
  return name.includes("::") ? nodeName === name : nodeOf(nodeName) === name;
}

export function summarise(cacheDir: string, entries: Iterable<StoredEntryInfo>): DiskCacheStats {
  const nodes = new Map<string | undefined, NodeUsage>();
  let count = 0;
  let bytes = 0;
  for (const entry of entries) {
    count += 1;
    bytes += entry.bytes;
    const node = nodeOf(entry.nodeName);
    const usage = nodes.get(node) ?? { node, entries: 0, bytes: 0, lastAccess: 0 };
    usage.entries += 1;
    usage.bytes += entry.bytes;
    usage.lastAccess = Math.max(usage.lastAccess, entry.lastAccess);
    nodes.set(node, usage);
  }
  const sorted = [...nodes.values()].sort((a, b) => b.bytes - a.bytes || String(a.node).localeCompare(String(b.node)));
  return { cacheDir, entries: count, bytes, nodes: sorted };
}
