/**
 * `daft cache clear [--dir .cache] [--json]`: removes every stored result and signature, asking
 * nothing, and says what it removed. Files of the user's own in the directory stay.
 */
import { openCache, printJson } from "./open-cache.js";
import { plural } from "./cache-stats.js";
import { formatBytes } from "./units.js";

export function cacheClear(options: { dir: string; json?: boolean }): void {
  const opened = openCache(options.dir, false);
  if (!opened) {
    if (options.json) printJson({ cacheDir: null, removedEntries: 0, removedBytes: 0, removedSignatures: 0 });
    else process.stdout.write(`Nothing to clear: no cache directory at ${options.dir}\n`);
    return;
  }
  const { cache, shown } = opened;
  const entries = cache.entries();
  const signatures = cache.signatures().length;
  const bytes = entries.reduce((total, entry) => total + entry.bytes, 0);
  const legacy = cache.legacyFiles();
  cache.clear();
  if (options.json) {
    printJson({
      cacheDir: cache.cacheDir,
      removedEntries: entries.length,
      removedBytes: bytes,
      removedSignatures: signatures,
      removedLegacyFiles: legacy.files,
      removedLegacyBytes: legacy.bytes,
    });
    return;
  }
  const legacyPart = legacy.files > 0 ? `, and ${legacy.files} ${plural(legacy.files, "file", "files")} of an earlier daft format (${formatBytes(legacy.bytes)})` : "";
  process.stdout.write(
    `Cleared ${shown}: removed ${entries.length} ${plural(entries.length, "entry", "entries")} (${formatBytes(bytes)}) ` +
      `and ${signatures} ${plural(signatures, "signature", "signatures")}${legacyPart}\n`,
  );
}
