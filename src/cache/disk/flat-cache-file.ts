/**
 * Reading and writing one key→value metadata file through flat-cache.
 *
 * flat-cache is loaded on first use with a synchronous `require`: importing it costs ~20 ms,
 * which `import "daft"` and runs that only hit the cache must not pay, and a dynamic `import()`
 * would make the backend asynchronous. JSON is used instead of flat-cache's default (flatted)
 * because signatures are plain data and JSON is faster both ways.
 *
 * flat-cache writes files in place; atomicity and merging are done around it (versioned-docs.ts):
 * it always writes a fresh temp file, which is then published under its final name.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname } from "node:path";
import type * as FlatCacheModule from "flat-cache";

let flatCacheModule: typeof FlatCacheModule | undefined;

function flatCache(): typeof FlatCacheModule {
  flatCacheModule ??= createRequire(import.meta.url)("flat-cache") as typeof FlatCacheModule;
  return flatCacheModule;
}

function open(path: string): FlatCacheModule.FlatCache {
  return new (flatCache().FlatCache)({
    cacheDir: dirname(path),
    cacheId: basename(path),
    useClone: false,
    serialize: JSON.stringify,
    deserialize: JSON.parse,
  });
}

export type LoadedFile = { status: "ok"; entries: Map<string, unknown> } | { status: "missing" } | { status: "damaged"; detail: string };

/** Loads a file; a file that vanished (another writer superseded it) is `missing`, not empty. */
export function loadFlatCacheFile(path: string): LoadedFile {
  const cache = open(path);
  try {
    cache.loadFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { status: "missing" };
    return { status: "damaged", detail: (error as Error).message };
  }
  // loadFile silently does nothing for an absent file; it flags changes only when it loaded one.
  if (!cache.changesSinceLastSave && !existsSync(path)) return { status: "missing" };
  const entries = new Map<string, unknown>();
  for (const item of cache.items) entries.set(item.key, item.value);
  return { status: "ok", entries };
}

/** Writes `entries` to `path` (normally a temp name). Throws if flat-cache reports an error. */
export function saveFlatCacheFile(path: string, entries: Iterable<[string, unknown]>): void {
  const cache = open(path);
  let failure: unknown;
  cache.on("error", (error: unknown) => {
    failure ??= error;
  });
  for (const [key, value] of entries) cache.set(key, value);
  cache.save(true);
  if (failure !== undefined) throw failure;
  if (!existsSync(path)) throw new Error(`flat-cache did not write ${path}`);
}
