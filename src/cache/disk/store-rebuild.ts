/**
 * Rebuilding a values environment that daft did not write last (see store-env.ts), so that no
 * process ever writes into pages something else garbled.
 *
 * Reading every record proves the pages reads visit are sound, not the rest: the bytes between
 * a page's records, the list of free pages, a page header's free-space bounds. LMDB trusts
 * those on its next write, and a garbled one aborts or crashes the writer (an assertion in
 * `mdb_node_add`, a SIGSEGV) long after every read succeeded. So the file is not kept: a
 * throwaway child process reads every record of every database (by cursor, and again by key:
 * the two paths LMDB takes through its pages must agree) and writes them into a new environment
 * in a temp folder beside the store, which LMDB builds from scratch. If the child crashes, LMDB
 * reports damage, or it takes too long, the store is taken as lost (a miss for every value).
 * Otherwise the new environment takes the old one's place; values stay checked by their own
 * checksums when read (value-record.ts), as always.
 *
 * The caller holds the store's lock, so no process commits meanwhile; a process that had the old
 * store open notices the new data file before its next commit (value-store.ts).
 */
import { spawnSync } from "node:child_process";
import { renameSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, sep } from "node:path";
import { removeTreeQuietly } from "../../fs/atomic-write.js";
import { tempNameFor } from "../../fs/temp-name.js";
import { debugCache } from "../../debug/index.js";

const requireHere = createRequire(import.meta.url);

/** A child copying a very large store may take long; beyond this it is taken as damaged. */
const REBUILD_TIMEOUT_MS = 10 * 60 * 1000;

export type RebuildOutcome =
  /** The rebuilt environment (a folder beside the store), ready to take its place. */
  | { rebuilt: string }
  /** What was wrong with the store: it cannot be kept. */
  | { damaged: string }
  /** No child process could be started: nothing is known about the store. */
  | { notRun: string };

/** Copies every record of `databases` in `dir` into a new environment, in a child process. */
export function rebuildInChild(dir: string, databases: readonly string[]): RebuildOutcome {
  const target = dirname(dir) + sep + tempNameFor(basename(dir));
  const started = Date.now();
  const child = spawnSync(process.execPath, ["-e", REBUILD_SCRIPT, requireHere.resolve("lmdb"), dir, databases.join(","), target], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: REBUILD_TIMEOUT_MS,
    // No loader or other flags of this process: the child only copies the store.
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (debugCache.enabled) debugCache(`checked and rebuilt ${dir} in a child process (${Date.now() - started} ms): ${child.signal ?? `exit ${child.status}`}`);
  const failed = (outcome: RebuildOutcome): RebuildOutcome => {
    removeTreeQuietly(target);
    return outcome;
  };
  if (child.error && (child.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") return failed({ notRun: child.error.message });
  if (child.error) return failed({ damaged: `reading it took longer than ${REBUILD_TIMEOUT_MS / 60_000} minutes` });
  if (child.signal) return failed({ damaged: `reading it crashed a process (${child.signal})` });
  if (child.status !== 0) return failed({ damaged: `LMDB reports damage: ${(child.stderr || child.stdout).trim().split("\n").at(-1) ?? `exit ${child.status}`}` });
  return { rebuilt: target };
}

/**
 * Puts the rebuilt environment in the store's place. Returns false when that was not possible
 * (another process created a new store in the moment between the two renames): the rebuilt
 * copy is then dropped and the store found there is used.
 */
export function replaceStore(dir: string, rebuilt: string): boolean {
  try {
    if (!quarantine(dir)) return false;
    renameSync(rebuilt, dir);
    return true;
  } catch {
    return false;
  } finally {
    removeTreeQuietly(rebuilt); // gone already when it took the store's place
  }
}

/**
 * Moves an environment out of the way and deletes it (a damaged one, or one a rebuilt copy
 * replaces); processes that have it open keep their copy until they notice. Returns false when
 * another process moved it first.
 */
export function quarantine(dir: string): boolean {
  const aside = `${dir}.aside-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, aside);
  } catch {
    return false;
  }
  removeTreeQuietly(aside);
  return true;
}

/**
 * The child's program (CommonJS, needing nothing but the path of lmdb-js). It opens the store
 * read-only, so a damaged file is never written, and commits the copy every few thousand
 * records, so a large store does not need all its pages in memory at once.
 */
const REBUILD_SCRIPT = `
const [lmdbPath, dir, names, target] = process.argv.slice(1);
const { open } = require(lmdbPath);
const source = open({ path: dir, encoding: "binary", readOnly: true, maxDbs: 8 });
const copy = open({ path: target, encoding: "binary", overlappingSync: false, maxDbs: 8, noSubdir: false });
const known = new Set();
for (const key of source.getKeys()) known.add(key);
for (const name of names.split(",")) {
  if (!known.has(name)) continue;
  const from = source.openDB({ name, encoding: "binary" });
  const to = copy.openDB({ name, encoding: "binary" });
  let batch = [];
  const commit = () => {
    copy.transactionSync(() => { for (const [key, value] of batch) to.putSync(key, value); });
    batch = [];
  };
  let bytes = 0;
  for (const { key, value } of from.getRange()) {
    const again = from.getBinary(key);
    if (again === undefined || !again.equals(value)) throw new Error("key " + JSON.stringify(key) + " of " + name + " reads differently by cursor and by key");
    batch.push([key, Buffer.from(value)]);
    bytes += value.length;
    if (batch.length >= 5000 || bytes >= 64 * 1024 * 1024) { commit(); bytes = 0; }
  }
  if (batch.length > 0) commit();
}
copy.close();
source.close();
`;
