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
 * change times, to the nanosecond) in `verified.json` beside it. On open, a file matching that
 * record was last written by daft through LMDB and is opened at once (the normal case, one
 * `stat` and one small read). A file that does not match (a writer killed between its commit
 * and the record, a restored backup, a file edited by hand) is first read whole, every key and
 * value of every database, by a throwaway child process: if that child crashes or LMDB reports
 * damage, the environment is moved aside and deleted, and a new one is created (its values are
 * lost, which for a cache is a miss, never an error). If the child reads it all, the record is
 * written and the file opened.
 *
 * lmdb-js is loaded on first use with a synchronous `require` (of its CommonJS build): loading
 * it costs tens of milliseconds, which `import "daft"` must not pay, and a dynamic `import()`
 * would make the backend asynchronous.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Lmdb from "lmdb";
import { writeFileAtomic, removeTreeQuietly } from "../../fs/atomic-write.js";
import { debugCache } from "../../debug/index.js";
import { StoreLock } from "./store-lock.js";

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
const CHECK_DID_NOT_RUN = "the check could not run";
/** A child reading a very large store may take long; beyond this it is taken as damaged. */
const CHECK_TIMEOUT_MS = 10 * 60 * 1000;

export interface StoreEnv {
  root: Lmdb.RootDatabase<Buffer, string>;
  values: Store;
  index: Store;
  state: Store;
  /** Held for every write transaction (store-lock.ts). */
  lock: StoreLock;
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
  // A store found damaged is moved aside with its lock: the second round opens a new one.
  for (let round = 0; round < 2; round += 1) {
    if (!create && !existsSync(join(dir, DATA_FILE))) return undefined;
    const lock = StoreLock.open(dir);
    let env: StoreEnv | "quarantined" | undefined;
    try {
      env = lock.hold(() => openLocked(dir, create, lock));
    } catch (error) {
      lock.close();
      throw error;
    }
    if (env !== "quarantined") {
      if (!env) lock.close();
      return env;
    }
    lock.close();
  }
  return undefined;
}

function openLocked(dir: string, create: boolean, lock: StoreLock): StoreEnv | "quarantined" | undefined {
  const dataFile = join(dir, DATA_FILE);
  if (existsSync(dataFile) && !isVerified(dir)) {
    const problem = checkInChild(dir);
    // A check that could not even start (no process could be spawned) says nothing about the
    // file: it is opened as it is rather than thrown away.
    if (problem !== undefined && problem !== CHECK_DID_NOT_RUN) {
      if (debugCache.enabled) debugCache(`${dataFile}: ${problem}; moving the damaged store aside and starting a new one`);
      quarantine(dir);
      return "quarantined";
    }
  }
  if (!create && !existsSync(dataFile)) return undefined;
  const root = lmdb().open<Buffer, string>(envOptions(dir, false));
  const env: StoreEnv = {
    root,
    values: root.openDB<Buffer, string>({ name: "values", encoding: "binary" }),
    index: root.openDB<Buffer, string>({ name: "index", encoding: "binary" }),
    state: root.openDB<Buffer, string>({ name: "state", encoding: "binary" }),
    lock,
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

/**
 * Reads every record of every database in a child process. Returns undefined when all went
 * well, else what went wrong (a crash, an LMDB error, a timeout).
 */
export function checkInChild(dir: string): string | undefined {
  const started = Date.now();
  const child = spawnSync(process.execPath, ["-e", CHECK_SCRIPT, requireHere.resolve("lmdb"), dir, DATABASES.join(",")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: CHECK_TIMEOUT_MS,
    // No loader or other flags of this process: the child only reads the store.
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (debugCache.enabled) debugCache(`checked ${join(dir, DATA_FILE)} in a child process (${Date.now() - started} ms): ${child.signal ?? `exit ${child.status}`}`);
  if (child.error && (child.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") {
    if (debugCache.enabled) debugCache(`the check of ${dir} could not run: ${child.error.message}`);
    return CHECK_DID_NOT_RUN;
  }
  if (child.error) return `reading it took longer than ${CHECK_TIMEOUT_MS / 60_000} minutes`;
  if (child.signal) return `reading it crashed a process (${child.signal})`;
  if (child.status !== 0) return `LMDB reports damage: ${(child.stderr || child.stdout).trim().split("\n").at(-1) ?? `exit ${child.status}`}`;
  return undefined;
}

/**
 * The child's program: walk every database, read every value through both a cursor and a
 * lookup by key (the two paths LMDB takes through its pages), then commit one write that adds
 * and removes a probe key in each database. The write is what reaches LMDB's free-page list,
 * which no read visits: a damaged page there passes every read and aborts the first process
 * that writes (an assertion in LMDB, SIGABRT). The probe leaves no data behind. CommonJS, so it
 * needs nothing but the path of lmdb-js.
 */
const CHECK_SCRIPT = `
const [lmdbPath, dir, names] = process.argv.slice(1);
const { open } = require(lmdbPath);
const root = open({ path: dir, encoding: "binary", overlappingSync: false, maxDbs: 8 });
const probeKey = "\\u0000daft-store-check";
const probeValue = Buffer.alloc(64);
const opened = [];
const known = new Set();
for (const key of root.getKeys()) known.add(key);
for (const name of names.split(",")) {
  if (!known.has(name)) continue;
  const db = root.openDB({ name, encoding: "binary" });
  opened.push(db);
  for (const { key, value } of db.getRange()) {
    const again = db.getBinary(key);
    if (again === undefined || again.length !== value.length) throw new Error("key " + JSON.stringify(key) + " of " + name + " reads differently by cursor and by key");
  }
}
root.transactionSync(() => {
  for (const db of opened) {
    db.putSync(probeKey, probeValue);
    db.removeSync(probeKey);
  }
});
root.close();
`;

/** Moves a damaged environment out of the way (readers that have it open keep their copy). */
export function quarantine(dir: string): void {
  const aside = `${dir}.damaged-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, aside);
  } catch {
    return; // another process moved it first
  }
  removeTreeQuietly(aside);
}
