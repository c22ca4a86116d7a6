/**
 * Checking a values environment that daft did not write last (see store-env.ts) before any
 * process of this one maps it, and moving a damaged one out of the way.
 *
 * First its page structure is audited by reading the file (page-audit.ts): garbled page headers
 * or free-page lists, which reads alone can pass over and a later write would abort on. Then a
 * throwaway child process reads every record of every database, through a cursor and again by
 * key (the two paths LMDB takes through its pages must agree), then commits one write that adds
 * and removes a probe key in each database: the write is what reaches LMDB's free-page list,
 * which no read visits. If the child crashes, LMDB reports damage, or it takes too long, the
 * store is taken as lost (a miss for every value) and moved aside. The caller holds the store's
 * lock, so no process commits meanwhile.
 */
import { spawnSync } from "node:child_process";
import { renameSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { removeTreeQuietly } from "../../fs/atomic-write.js";
import { debugCache } from "../../debug/index.js";
import { auditPages } from "./page-audit.js";

const requireHere = createRequire(import.meta.url);

/** A child reading a very large store may take long; beyond this it is taken as damaged. */
const CHECK_TIMEOUT_MS = 10 * 60 * 1000;

export type CheckOutcome =
  /** The page structure sound, every record read back and the probe write committed. */
  | { sound: true }
  /** What was wrong with the store: it cannot be kept. */
  | { damaged: string }
  /** No child process could be started: nothing is known about the store. */
  | { notRun: string };

/** Audits the pages of the data file in `dir`, then reads every record of `databases` and commits a probe write in a child process. */
export function checkStore(dir: string, dataFile: string, databases: readonly string[]): CheckOutcome {
  const started = Date.now();
  let audit: ReturnType<typeof auditPages> | undefined;
  try {
    audit = auditPages(join(dir, dataFile));
  } catch (error) {
    // The file could not be read at all (gone, no permission): LMDB will say what it makes of it.
    if (debugCache.enabled) debugCache(`the page audit of ${dir} could not read the file: ${(error as Error).message}`);
  }
  if (audit && debugCache.enabled) debugCache(`audited the pages of ${dir} (${Date.now() - started} ms): ${"damage" in audit ? audit.damage : `sound, ${JSON.stringify(audit.sound)}`}`);
  if (audit && "damage" in audit) return { damaged: `its page structure is damaged: ${audit.damage}` };
  const child = spawnSync(process.execPath, ["-e", CHECK_SCRIPT, requireHere.resolve("lmdb"), dir, databases.join(",")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: CHECK_TIMEOUT_MS,
    // No loader or other flags of this process: the child only reads the store.
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (debugCache.enabled) debugCache(`checked ${dir} in a child process (${Date.now() - started} ms): ${child.signal ?? `exit ${child.status}`}`);
  if (child.error && (child.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") return { notRun: child.error.message };
  if (child.error) return { damaged: `reading it took longer than ${CHECK_TIMEOUT_MS / 60_000} minutes` };
  if (child.signal) return { damaged: `reading it crashed a process (${child.signal})` };
  if (child.status !== 0) return { damaged: `LMDB reports damage: ${(child.stderr || child.stdout).trim().split("\n").at(-1) ?? `exit ${child.status}`}` };
  return { sound: true };
}

/** Moves a damaged environment out of the way and deletes it; processes that have it open keep their copy until they notice. */
export function quarantine(dir: string): void {
  const aside = `${dir}.damaged-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, aside);
  } catch {
    return; // another process moved it first
  }
  removeTreeQuietly(aside);
}

/** The child's program (CommonJS, needing nothing but the path of lmdb-js). The probe leaves no data behind. */
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
