/**
 * Opening the LMDB environment that holds the values, and never letting a damaged one crash
 * the process.
 *
 * LMDB is crash-safe by design: a write transaction becomes visible with a single meta-page
 * write after all its pages are on disk (copy-on-write), so a process killed at any point
 * leaves the previous consistent state, and the writer lock (a robust mutex in `lock.mdb`) is
 * released by the kernel when its holder dies. What LMDB does not survive is a data file that
 * something else truncated or garbled: it trusts the page structure it memory-maps, and a bad
 * offset is a SIGSEGV or SIGBUS that no JavaScript can catch.
 *
 * So a process opens the file only once it is known to be as LMDB left it. After each of its
 * commits, a daft process records the file's identity and state (inode, size, modification and
 * change times, to the nanosecond) in `verified.json` beside it, still holding the store's lock
 * (store-lock.ts), so a process opening the store sees a record that matches unless something
 * else touched the file. A file matching the record was last written by daft through LMDB and
 * is opened at once (the normal case, one `stat` and one small read). A file that does not
 * match (a writer killed between its commit and the record, a restored backup, a file edited by
 * hand) is first checked (store-check.ts): its page structure audited by plain reads, then every
 * key and value of every database read by a throwaway child process: if the audit finds damage,
 * that child crashes or LMDB reports damage, the environment is moved aside
 * and deleted, and a new one is created (its values are lost, which for a cache is a miss, never
 * an error). If the child reads it all, the record is written and the file opened.
 *
 * lmdb-js is loaded on first use with a synchronous `require` (of its CommonJS build): loading
 * it costs tens of milliseconds, which `import "daft"` must not pay, and a dynamic `import()`
 * would make the backend asynchronous.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Lmdb from "lmdb";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { debugCache } from "../../debug/index.js";
import { StoreLock } from "./store-lock.js";
import { checkStore, quarantine } from "./store-check.js";

type LmdbModule = typeof Lmdb;
export type Store = Lmdb.Database<Buffer, string>;

const requireHere = createRequire(import.meta.url);
let lmdbModule: LmdbModule | undefined;

function lmdb(): LmdbModule {
  lmdbModule ??= requireHere("lmdb") as LmdbModule;
  return lmdbModule;
}

export const DATA_FILE = "data.mdb";
export const LOCK_FILE = "lock.mdb";
export const VERIFIED_FILE = "verified.json";
/** The named databases of the environment. */
export const DATABASES = ["values", "index", "state"] as const;

export interface StoreEnv {
  root: Lmdb.RootDatabase<Buffer, string>;
  values: Store;
  index: Store;
  state: Store;
  /** Held for every write transaction (store-lock.ts). */
  lock: StoreLock;
  /** Inode of the data file opened, to notice a store removed or replaced since. */
  ino: number;
  /** Records the data file as written by this process (call after each commit). */
  recordVerified(): void;
  close(): void;
}

/** How the environment is opened: synchronous, durable commits (the data, then the meta page, synced). */
function envOptions(dir: string, readOnly: boolean): Lmdb.RootDatabaseOptionsWithPath {
  return {
    path: dir,
    encoding: "binary",
    maxDbs: 8,
    // Commits are synchronous and batched by DiskCache; lmdb-js's overlapping sync would return
    // before the data is on disk and reopen on the previous snapshot after a restart.
    overlappingSync: false,
    // The meta page is synced too (lmdb-js's default): a commit that returned survives a power cut.
    readOnly,
  };
}

/**
 * Opens the environment in `dir`. Returns undefined when there is none and `create` is false.
 * Never opens a data file that was not verified (see above). Checking and opening happen under
 * the store's lock (store-lock.ts), which the environment keeps for its commits.
 */
export function openStoreEnv(dir: string, create: boolean): StoreEnv | undefined {
  // A damaged store is moved aside with its lock: the next round opens a new one.
  for (let round = 0; round < 3; round += 1) {
    if (!create && !existsSync(join(dir, DATA_FILE))) return undefined;
    const lock = StoreLock.open(dir);
    let env: StoreEnv | "replaced" | undefined;
    try {
      env = lock.hold(() => openLocked(dir, create, lock));
    } catch (error) {
      lock.close();
      throw error;
    }
    if (env !== "replaced") {
      if (!env) lock.close();
      return env;
    }
    lock.close();
  }
  throw new Error(`Cannot open the disk cache's store ${dir}: it was replaced three times while opening; another process may be damaging it`);
}

function openLocked(dir: string, create: boolean, lock: StoreLock): StoreEnv | "replaced" | undefined {
  const dataFile = join(dir, DATA_FILE);
  if (existsSync(dataFile) && !isVerified(dir)) {
    const outcome = checkStore(dir, DATA_FILE, DATABASES);
    if ("damaged" in outcome) {
      if (debugCache.enabled) debugCache(`${dataFile}: ${outcome.damaged}; moving the damaged store aside and starting a new one`);
      quarantine(dir);
      return "replaced";
    }
    // A check that could not even start (no process could be spawned) says nothing about the
    // file: it is opened as it is rather than thrown away.
    if ("notRun" in outcome && debugCache.enabled) debugCache(`the check of ${dir} could not run: ${outcome.notRun}`);
  }
  if (!create && !existsSync(dataFile)) return undefined;
  const root = lmdb().open<Buffer, string>(envOptions(dir, false));
  const env: StoreEnv = {
    root,
    values: root.openDB<Buffer, string>({ name: "values", encoding: "binary" }),
    index: root.openDB<Buffer, string>({ name: "index", encoding: "binary" }),
    state: root.openDB<Buffer, string>({ name: "state", encoding: "binary" }),
    lock,
    ino: statSync(dataFile).ino,
    recordVerified: () => recordVerified(dir),
    close: () => {
      void root.close();
      lock.close();
    },
  };
  // Opening may have created the file and its databases: vouch for what this process made.
  if (!isVerified(dir)) recordVerified(dir);
  return env;
}

interface FileState {
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

function fileState(path: string): FileState | undefined {
  try {
    const stats = statSync(path, { bigint: true });
    return { ino: String(stats.ino), size: String(stats.size), mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs) };
  } catch {
    return undefined;
  }
}

function isVerified(dir: string): boolean {
  const now = fileState(join(dir, DATA_FILE));
  if (!now) return false;
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(join(dir, VERIFIED_FILE), "utf8"));
  } catch {
    return false;
  }
  if (recorded === null || typeof recorded !== "object") return false;
  const fields = recorded as Record<string, unknown>;
  return fields.ino === now.ino && fields.size === now.size && fields.mtimeNs === now.mtimeNs && fields.ctimeNs === now.ctimeNs;
}

function recordVerified(dir: string): void {
  const state = fileState(join(dir, DATA_FILE));
  if (!state) return;
  try {
    // Never recreates a folder removed meanwhile (a clear() by another process).
    writeFileAtomic(join(dir, VERIFIED_FILE), [Buffer.from(JSON.stringify(state))], { createDir: false });
  } catch {
    // Without the record the next process checks the file first: slower, never wrong.
  }
}
