/**
 * A lock between processes, held while a process opens the values environment and while it
 * commits to it.
 *
 * Why: the LMDB inside lmdb-js 3.5 (mdb.c, `mdb_env_open2`) copies the transaction id it read
 * from the data file into the shared lock region while opening, without holding the writer
 * lock (upstream LMDB fixed this as ITS#9496; the fork lmdb-js builds still has it). A process
 * that opens the environment while another commits can so set the id back, and the next write
 * transaction, whoever makes it, builds on the older snapshot: the commit made in between is
 * silently gone. Four processes writing one cache lost a batch in about one run in twenty under
 * load. Opening and committing under one lock removes the window.
 *
 * The lock is the writer mutex of a second LMDB environment that never holds data
 * (`values/open-lock/`): a robust mutex in shared memory, free when its holder dies (even by
 * SIGKILL), and waited for without spinning. An empty write transaction takes and releases it
 * (a few microseconds) and writes nothing to disk. The same opening bug applies to this
 * environment, but it has no commits to lose.
 *
 * Creating an environment while other processes open it can make lmdb-js throw ("No
 * transaction to renew"), so the lock environment is created whole in a temp folder and
 * renamed into place (a rename onto a folder that exists fails: the first creator wins), and
 * an open that still fails is tried again.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Lmdb from "lmdb";
import { removeTreeQuietly, sleepSync } from "../../fs/atomic-write.js";
import { tempNameFor } from "../../fs/temp-name.js";
import { debugCache } from "../../debug/index.js";

export const LOCK_DIR = "open-lock";
const OPEN_ATTEMPTS = 6;

const requireHere = createRequire(import.meta.url);

function lockEnvOptions(path: string): Lmdb.RootDatabaseOptionsWithPath {
  // noSubdir: the temp folder's name ends in ".tmp", which lmdb-js would take for a file name.
  return { path, encoding: "binary", maxDbs: 1, overlappingSync: false, noSubdir: false };
}

export class StoreLock {
  readonly #env: Lmdb.RootDatabase<Buffer, string>;
  #held = false;

  private constructor(env: Lmdb.RootDatabase<Buffer, string>) {
    this.#env = env;
  }

  /** The lock of the values environment in `valuesDir` (the folder is created if needed). */
  static open(valuesDir: string): StoreLock {
    const lmdb = requireHere("lmdb") as typeof Lmdb;
    const path = join(valuesDir, LOCK_DIR);
    let lastError: unknown;
    for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt += 1) {
      try {
        if (!existsSync(join(path, "data.mdb"))) createLockEnv(lmdb, valuesDir, path);
        return new StoreLock(lmdb.open<Buffer, string>(lockEnvOptions(path)));
      } catch (error) {
        lastError = error;
        if (debugCache.enabled) debugCache(`opening the lock ${path} failed (${(error as Error).message}); trying again`);
        sleepSync(5 * 2 ** attempt);
      }
    }
    throw new Error(`Cannot open the disk cache's lock ${path}: ${(lastError as Error)?.message ?? String(lastError)}`, { cause: lastError });
  }

  /**
   * Runs `work` holding the lock (waiting for another process's turn to end). Re-entrant: work
   * already under the lock runs as it is.
   */
  hold<T>(work: () => T): T {
    if (this.#held) return work();
    let result: T;
    this.#env.transactionSync(() => {
      this.#held = true;
      try {
        result = work();
      } finally {
        this.#held = false;
      }
    });
    return result!;
  }

  close(): void {
    void this.#env.close();
  }
}

/** Creates the empty lock environment in a temp folder and moves it into place, unless another process did first. */
function createLockEnv(lmdb: typeof Lmdb, valuesDir: string, path: string): void {
  mkdirSync(valuesDir, { recursive: true });
  const temp = join(valuesDir, tempNameFor(LOCK_DIR));
  try {
    void lmdb.open<Buffer, string>(lockEnvOptions(temp)).close();
    renameSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Another process moved its own into place first: use that one.
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  } finally {
    removeTreeQuietly(temp);
  }
}
