/**
 * A lock file that survives its holder being killed.
 *
 * The lock is created complete in one step: its owner record is written to a temp file and hard-
 * linked to the lock name (fails if the name exists), so a lock file is never seen half written.
 * A lock is stale when its holder is gone: same host and the pid no longer exists, or older than
 * `staleMs` (a holder on another host, or a reused pid), or unreadable. A stale lock is broken by
 * renaming it aside and checking that the renamed file is the one judged stale; if a live holder
 * took the lock in between, the lock is put back.
 *
 * That last step has a tiny window in which two processes can both hold the lock, which is why it
 * only guards work where that is harmless: eviction (two evictors delete a few extra entries at
 * worst). Metadata merges rely on versioned-docs.ts instead, which needs no lock.
 */
import { readFileSync, renameSync, linkSync } from "node:fs";
import { hostname } from "node:os";
import { publishNew, removeQuietly, sleepSync, writeTemp } from "../../fs/atomic-write.js";

export interface LockOwner {
  pid: number;
  host: string;
  /** Unique per acquisition, so a lock is never mistaken for another with the same pid. */
  token: string;
  acquiredAt: number;
}

export interface HeldLock {
  readonly path: string;
  readonly owner: LockOwner;
  release(): void;
}

export interface LockOptions {
  /** A lock older than this is stale even if its holder seems alive. */
  staleMs: number;
}

export class LockBusyError extends Error {
  override name = "LockBusyError";
  constructor(
    readonly path: string,
    readonly holder: LockOwner | undefined,
  ) {
    super(
      holder
        ? `${path} is held by process ${holder.pid} on ${holder.host} since ${new Date(holder.acquiredAt).toISOString()}; try again when it has finished`
        : `${path} is held by another process; try again shortly`,
    );
  }
}

const HOST = hostname();
let tokenCounter = 0;

/** Takes the lock if it is free or stale; undefined when a live process holds it. */
export function tryAcquireLock(path: string, options: LockOptions): HeldLock | undefined {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    tokenCounter += 1;
    const owner: LockOwner = { pid: process.pid, host: HOST, token: `${process.pid}-${Date.now()}-${tokenCounter}-${Math.random()}`, acquiredAt: Date.now() };
    const tempPath = writeTemp(path, [Buffer.from(JSON.stringify(owner))]);
    if (publishNew(tempPath, path)) return heldLock(path, owner);
    const holder = readOwner(path);
    if (holder === "missing") continue; // released meanwhile: try again
    if (!isStale(holder, options)) return undefined;
    breakStaleLock(path, holder);
  }
  return undefined;
}

/** Waits (blocking, up to `timeoutMs`) for the lock; throws LockBusyError naming the holder. */
export function acquireLock(path: string, options: LockOptions & { timeoutMs: number }): HeldLock {
  const deadline = Date.now() + options.timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    const lock = tryAcquireLock(path, options);
    if (lock) return lock;
    if (Date.now() >= deadline) {
      const holder = readOwner(path);
      throw new LockBusyError(path, holder === "missing" ? undefined : holder);
    }
    sleepSync(wait);
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The holder of a lock file; undefined when the file is unreadable, "missing" when there is none. */
export function readOwner(path: string): LockOwner | undefined | "missing" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : undefined;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    const valid = typeof owner?.pid === "number" && typeof owner.host === "string" && typeof owner.token === "string" && typeof owner.acquiredAt === "number";
    return valid ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isStale(holder: LockOwner | undefined, options: LockOptions): boolean {
  if (holder === undefined) return true; // never written by us: our locks are complete from the start
  if (holder.host === HOST && !isProcessAlive(holder.pid)) return true;
  return Date.now() - holder.acquiredAt > options.staleMs;
}

function breakStaleLock(path: string, judged: LockOwner | undefined): void {
  const aside = `${path}.${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.broken`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else broke or released it first
  }
  const moved = readOwner(aside);
  const sameLock = judged === undefined ? moved === undefined : moved !== "missing" && moved?.token === judged.token;
  if (!sameLock) {
    // A live holder took the lock between our check and the rename: give it back.
    try {
      linkSync(aside, path);
    } catch {
      // the name was taken again meanwhile; the live holder keeps working either way
    }
  }
  removeQuietly(aside);
}

function heldLock(path: string, owner: LockOwner): HeldLock {
  let released = false;
  return {
    path,
    owner,
    release() {
      if (released) return;
      released = true;
      // Only remove the lock if it is still ours (it may have been judged stale and broken).
      const current = readOwner(path);
      if (current !== "missing" && current?.token === owner.token) removeQuietly(path);
    },
  };
}
