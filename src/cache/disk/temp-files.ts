/**
 * Temp files left by writers (see src/fs/atomic-write.ts and src/fs/temp-name.ts), and telling
 * whose they are: a temp file of a dead process on this host can go at once, one of another
 * host sharing the directory only once it is a day old.
 */
import { readdirSync, statSync } from "node:fs";
import { sep } from "node:path";
import { HOST_TAG, parseTempName } from "../../fs/temp-name.js";

/** Temp files of writers on other hosts are only presumed abandoned after this long. */
const FOREIGN_TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export function isAbandonedTemp(path: string, name: string, now: number): boolean {
  const writer = parseTempName(name);
  if (!writer) return false;
  if (writer.host === HOST_TAG && writer.pid !== process.pid && !isProcessAlive(writer.pid)) return true;
  const stats = statQuietly(path);
  return stats !== undefined && now - stats.mtimeMs > FOREIGN_TEMP_MAX_AGE_MS;
}

/** Temp files of dead writers directly inside `dir`. */
export function abandonedTempsIn(dir: string, now = Date.now()): string[] {
  return readdirQuietly(dir)
    .filter((name) => isAbandonedTemp(dir + sep + name, name, now))
    .map((name) => dir + sep + name);
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

export function readdirQuietly(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function statQuietly(path: string): { size: number; mtimeMs: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
