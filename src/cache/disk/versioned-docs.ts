/**
 * Small key→value documents that several processes update at once without losing a write.
 *
 * A document `name` is a series of flat-cache files `<name>.<version>.json` in one folder; the
 * highest version is the current one. To update, a process reads the current version v, merges
 * its own changes into it, writes the result to a temp file and publishes it as version v+1
 * with a hard link, which fails if v+1 already exists. Failure means another process published
 * first: re-read, re-merge, retry. Every published version therefore contains every earlier
 * one's content plus one writer's changes; nothing is lost, whatever the interleaving.
 *
 * Why not a lock file around read-merge-write: a lock held by a SIGKILLed process must be
 * broken, and breaking it (judge stale, then remove) races with a third process taking it in
 * between, so two writers can believe they hold it and one update is lost. Publishing by
 * create-if-absent needs no lock at all: a killed writer leaves a temp file, never a stale lock,
 * and the next writer proceeds immediately. (Locks are used where double-holding is harmless:
 * eviction, see process-lock.ts.)
 *
 * Superseded versions are deleted by the writer that superseded them; a reader that listed a
 * version which then vanished simply lists again.
 *
 * Deleting old versions makes their names free again, so a writer that read version 4, stalled,
 * and links 5 after 5 was published *and deleted* (6 exists by then) "succeeds" with a file that
 * is not the newest. The writer therefore checks, after linking, that no higher version exists;
 * if one does, its file is discarded and it merges again. Why that suffices: a version is only
 * ever deleted by the writer of a higher one, so the highest version never disappears, and a
 * publication that was the highest when checked is the base of every later one. The same check
 * can fire when a successor already includes this writer's changes, so merges must be safe to
 * apply twice (signatures: newer timestamp wins; the size estimate is approximate anyway).
 */
import { readdirSync } from "node:fs";
import { sep } from "node:path";
import { publishNew, removeQuietly, sleepSync, tempPathBeside } from "../../fs/atomic-write.js";
import { loadFlatCacheFile, saveFlatCacheFile } from "./flat-cache-file.js";

const VERSIONED_FILE = /^([a-z0-9-]+)\.(\d+)\.json$/;
const MAX_ATTEMPTS = 200;

export interface DocSnapshot {
  /** 0 when the document does not exist yet. */
  version: number;
  entries: Map<string, unknown>;
  /** Set when the current version could not be parsed; its entries are lost and it reads as empty. */
  damaged?: string;
}

export class VersionedDocs {
  constructor(readonly dir: string) {}

  pathOf(name: string, version: number): string {
    return `${this.dir}${sep}${name}.${version}.json`;
  }

  /** Versions of every document in the folder, unsorted. */
  listAll(): Map<string, number[]> {
    const documents = new Map<string, number[]>();
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return documents;
      throw error;
    }
    for (const fileName of names) {
      const match = VERSIONED_FILE.exec(fileName);
      if (!match) continue;
      const versions = documents.get(match[1]!) ?? [];
      versions.push(Number(match[2]));
      documents.set(match[1]!, versions);
    }
    return documents;
  }

  read(name: string): DocSnapshot {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const versions = this.listAll().get(name);
      if (!versions || versions.length === 0) return { version: 0, entries: new Map() };
      const version = Math.max(...versions);
      const loaded = loadFlatCacheFile(this.pathOf(name, version));
      if (loaded.status === "missing") continue; // superseded and deleted since the listing
      if (loaded.status === "damaged") return { version, entries: new Map(), damaged: loaded.detail };
      return { version, entries: loaded.entries };
    }
    throw new Error(`${this.pathOf(name, 0)}: the document kept changing while being read`);
  }

  /**
   * Publishes `merge(current)` as the next version, retrying until no other process got in
   * between. `merge` may be called several times, and its result may be merged again by this
   * writer on top of a version that already contains it, so it must be idempotent; returning
   * undefined means "nothing to change" and publishes nothing.
   */
  update(name: string, merge: (current: Map<string, unknown>) => Map<string, unknown> | undefined): DocSnapshot {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = this.read(name);
      const next = merge(current.entries);
      if (next === undefined) return current;
      const finalPath = this.pathOf(name, current.version + 1);
      const tempPath = tempPathBeside(finalPath);
      try {
        saveFlatCacheFile(tempPath, next);
      } catch (error) {
        removeQuietly(tempPath);
        throw error;
      }
      if (publishNew(tempPath, finalPath)) {
        const versions = this.listAll().get(name) ?? [];
        if (versions.every((version) => version <= current.version + 1)) {
          for (const old of versions) if (old < current.version + 1) removeQuietly(this.pathOf(name, old));
          return { version: current.version + 1, entries: next };
        }
        removeQuietly(finalPath); // shadowed by a higher version: merge again on top of it
      }
      // Lost the race: back off a little (growing, randomised) so writers stop colliding.
      if (attempt >= 2) sleepSync(Math.min(50, attempt) * Math.random());
    }
    throw new Error(`${this.pathOf(name, 0)}: could not publish an update, too many concurrent writers`);
  }
}
