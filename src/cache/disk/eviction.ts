/**
 * Choosing which stored results to remove: entries unused for longer than `maxAge` go first,
 * then the least recently used until the total is within the target size. The caller removes
 * them in the same write transaction it scanned in (value-store.ts), so nothing changes between
 * the choice and the removal.
 */

export interface EvictionLimits {
  /** Keep the total size of stored entries at or below this many bytes. */
  maxSize?: number;
  /** Remove entries not used for longer than this many milliseconds. */
  maxAge?: number;
}

export interface EvictionCandidate {
  id: string;
  bytes: number;
  lastAccess: number;
}

export interface EvictionPlan<T extends EvictionCandidate> {
  remove: T[];
  keep: T[];
}

export function planEviction<T extends EvictionCandidate>(entries: readonly T[], limits: EvictionLimits, now: number, targetSize = limits.maxSize): EvictionPlan<T> {
  const remove: T[] = [];
  let keep: T[] = [];
  const oldest = limits.maxAge !== undefined && Number.isFinite(limits.maxAge) ? now - limits.maxAge : -Infinity;
  for (const entry of entries) (entry.lastAccess < oldest ? remove : keep).push(entry);

  if (targetSize !== undefined && Number.isFinite(targetSize)) {
    let total = keep.reduce((sum, entry) => sum + entry.bytes, 0);
    if (total > targetSize) {
      // Least recently used first; ties broken by id so every process picks the same victims.
      keep.sort(byLastUse);
      let cut = 0;
      while (cut < keep.length && total > targetSize) {
        total -= keep[cut]!.bytes;
        remove.push(keep[cut]!);
        cut += 1;
      }
      keep = keep.slice(cut);
    }
  }
  remove.sort(byLastUse);
  return { remove, keep };
}

function byLastUse(a: EvictionCandidate, b: EvictionCandidate): number {
  return a.lastAccess - b.lastAccess || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The last use eviction and listings go by. A time in the future cannot be a real use (a clock
 * set back, a tampered record): it is not believed, and the creation time (or, failing that, the
 * epoch) stands in, so such an entry is the first to go rather than kept forever.
 */
export function believableLastUse(lastAccess: number, createdAt: number | undefined, now: number): number {
  if (lastAccess <= now) return lastAccess;
  return createdAt !== undefined && createdAt <= now ? createdAt : 0;
}
