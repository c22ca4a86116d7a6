/**
 * The latest signature per node name, for explaining misses and for the CLI.
 *
 * Names are spread over 256 documents by the first two hex digits of their hash, so one run that
 * changes a few nodes rewrites a few small files even when a mapped node has a million items.
 * `set` only records in memory (a miss must not pay for a file write); `flush` merges the
 * pending records into each touched document (newer timestamp wins), see versioned-docs.ts.
 * A document is loaded the first time one of its names is asked for, then kept. Its layout in
 * the file (what records share written once) is signature-doc.ts's.
 */
import { hashString } from "../../hashing/xxhash.js";
import type { NodeSignature } from "../types.js";
import { removeQuietly } from "../../fs/atomic-write.js";
import { decodeSignatureDoc, encodeSignatureDoc } from "./signature-doc.js";
import { VersionedDocs } from "./versioned-docs.js";

export interface MetaRecord {
  signature: NodeSignature;
  /** The blob stored for this signature (the key passed to the `setBlob` of the same node just before). */
  blobKey?: string;
}

const SHARD_DOC = /^s[0-9a-f]{2}$/;

function shardOf(nodeName: string): string {
  return `s${hashString(nodeName).slice(0, 2)}`;
}

export class MetaStore {
  readonly #docs: VersionedDocs;
  readonly #pending = new Map<string, Map<string, MetaRecord>>();
  readonly #loaded = new Map<string, Map<string, MetaRecord>>();

  constructor(dir: string) {
    this.#docs = new VersionedDocs(dir);
  }

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  get(nodeName: string): MetaRecord | undefined {
    const shard = shardOf(nodeName);
    return this.#pending.get(shard)?.get(nodeName) ?? this.#shard(shard).get(nodeName);
  }

  set(record: MetaRecord): void {
    const shard = shardOf(record.signature.nodeName);
    let pending = this.#pending.get(shard);
    if (!pending) this.#pending.set(shard, (pending = new Map()));
    pending.set(record.signature.nodeName, record);
  }

  /** Persists pending records; returns how many were written. */
  flush(): number {
    let written = 0;
    for (const [shard, pending] of [...this.#pending]) {
      let merged = new Map<string, MetaRecord>();
      this.#docs.update(shard, (current) => encodeSignatureDoc((merged = mergeRecords(decodeSignatureDoc(current), pending))));
      this.#loaded.set(shard, merged);
      this.#pending.delete(shard);
      written += pending.size;
    }
    return written;
  }

  /** Every stored record plus the pending ones (loads every document). */
  all(): Map<string, MetaRecord> {
    const records = new Map<string, MetaRecord>();
    for (const shard of this.#docs.listAll().keys()) {
      if (!SHARD_DOC.test(shard)) continue;
      for (const [name, record] of this.#shard(shard)) records.set(name, record);
    }
    for (const pending of this.#pending.values()) {
      for (const [name, record] of pending) records.set(name, record);
    }
    return records;
  }

  /**
   * Drops records older than `cutoff` (a timestamp) from every document; returns how many.
   * Pending records are newer than any cutoff in the past, so they stay.
   */
  dropOlderThan(cutoff: number): number {
    return this.#dropStored((_, record) => record.signature.timestamp < cutoff).size;
  }

  /**
   * Drops the records of every name `matches` accepts, pending ones included, from every
   * document; returns how many names had one. Each document is updated by compare-and-swap, so
   * records other processes write meanwhile for other names are kept.
   */
  dropNames(matches: (nodeName: string) => boolean): number {
    const dropped = this.#dropStored((name) => matches(name));
    for (const [shard, pending] of [...this.#pending]) {
      for (const name of [...pending.keys()]) {
        if (!matches(name)) continue;
        pending.delete(name);
        dropped.add(name);
      }
      if (pending.size === 0) this.#pending.delete(shard);
    }
    return dropped.size;
  }

  /** Removes the stored records `drops` accepts from every document; returns their names. */
  #dropStored(drops: (name: string, record: MetaRecord) => boolean): Set<string> {
    const dropped = new Set<string>();
    for (const shard of this.#docs.listAll().keys()) {
      if (!SHARD_DOC.test(shard)) continue;
      let droppedHere: string[] = [];
      let kept = new Map<string, MetaRecord>();
      this.#docs.update(shard, (current) => {
        kept = new Map();
        droppedHere = [];
        for (const [name, record] of decodeSignatureDoc(current)) {
          if (drops(name, record)) droppedHere.push(name);
          else kept.set(name, record);
        }
        return droppedHere.length > 0 ? encodeSignatureDoc(kept) : undefined;
      });
      for (const name of droppedHere) dropped.add(name);
      this.#loaded.set(shard, kept);
    }
    return dropped;
  }

  /** Deletes every document and forgets everything, pending records included. */
  clear(): void {
    for (const [name, versions] of this.#docs.listAll()) {
      if (!SHARD_DOC.test(name)) continue;
      for (const version of versions) removeQuietly(this.#docs.pathOf(name, version));
    }
    this.#pending.clear();
    this.#loaded.clear();
  }

  /** Forgets what was loaded, so the next read sees other processes' writes. */
  forgetLoaded(): void {
    this.#loaded.clear();
  }

  #shard(shard: string): Map<string, MetaRecord> {
    let records = this.#loaded.get(shard);
    if (!records) {
      records = decodeSignatureDoc(this.#docs.read(shard).entries);
      this.#loaded.set(shard, records);
    }
    return records;
  }
}

function mergeRecords(current: Map<string, MetaRecord>, pending: Map<string, MetaRecord>): Map<string, MetaRecord> {
  for (const [name, record] of pending) {
    const existing = current.get(name);
    // Newer wins; on a tie this process's record wins (it is the one being written now).
    if (!existing || existing.signature.timestamp <= record.signature.timestamp) current.set(name, record);
  }
  return current;
}
