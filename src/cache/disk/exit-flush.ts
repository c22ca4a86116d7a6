/**
 * Persisting batched writes when the process exits without having called `flush()` (a script
 * that calls the backend directly, or `process.exit()` in the middle of a run).
 *
 * Safe because everything flush does is synchronous (an `exit` listener cannot await) and every
 * write it makes is atomic and merged (versioned-docs.ts), so an exit flush racing with other
 * processes loses nothing. One listener serves every instance; an instance is registered only
 * while it has something pending.
 */

interface ExitFlushable {
  flushForExit(): void;
}

const pending = new Set<ExitFlushable>();
let listening = false;

export function flushOnExit(cache: ExitFlushable): void {
  pending.add(cache);
  if (listening) return;
  listening = true;
  process.on("exit", () => {
    for (const cache of pending) {
      try {
        cache.flushForExit();
      } catch {
        // Never turn an exit into a crash; the results themselves are already on disk.
      }
    }
    pending.clear();
  });
}

export function nothingToFlushOnExit(cache: ExitFlushable): void {
  pending.delete(cache);
}
