/**
 * Direct access to a DiskCache's value store for tests: the raw records under a key (to damage
 * them as a disk or a careless tool would) and last-use times (to stand in for the passing of
 * time). Goes through the same per-directory session as DiskCache, so this process's caches see
 * the changes at once; other processes see them as another writer's commit.
 */
import { blobIdOf, layoutOf } from "../../../src/cache/disk/layout.js";
import type { StoreEnv } from "../../../src/cache/disk/store-env.js";
import { StoreSession } from "../../../src/cache/disk/store-session.js";
import type { IndexedEntry, Totals } from "../../../src/cache/disk/value-store.js";
import { decodeIndex, encodeIndex, viewOf } from "../../../src/cache/disk/value-record.js";

function envOf(cacheDir: string): StoreEnv {
  const { store } = StoreSession.of(layoutOf(cacheDir).values);
  store.refresh(); // another process (a `daft` command) may have cleared or recreated it
  return store.env(true)!;
}

/** Every entry of the store, as its index lists it (id, key, node name, bytes, last use). */
export function storedEntries(cacheDir: string): IndexedEntry[] {
  const { store } = StoreSession.of(layoutOf(cacheDir).values);
  store.refresh();
  return store.env(false) ? store.scanIndex() : [];
}

/** The totals the store keeps (bytes and entries), as last committed. */
export function storedTotals(cacheDir: string): Totals {
  const { store } = StoreSession.of(layoutOf(cacheDir).values);
  store.refresh();
  return store.totals();
}

function write(cacheDir: string, change: (env: StoreEnv) => void): void {
  const env = envOf(cacheDir);
  env.root.transactionSync(() => change(env));
  env.root.resetReadTxn();
  env.recordVerified();
}

/** The value record stored for `key` (a copy), or undefined. */
export function rawValue(cacheDir: string, key: string): Buffer | undefined {
  const bytes = envOf(cacheDir).values.getBinaryFast(blobIdOf(key));
  return bytes && Buffer.from(viewOf(bytes));
}

/** Replaces the value record of `key` with `bytes`, as damage would. */
export function setRawValue(cacheDir: string, key: string, bytes: Buffer): void {
  setRawRecord(cacheDir, blobIdOf(key), bytes);
}

/** Replaces the record stored under `id` in the values database (a chunk: `<id>/<n>`). */
export function setRawRecord(cacheDir: string, id: string, bytes: Buffer): void {
  write(cacheDir, (env) => env.values.putSync(id, bytes));
}

/** Rewrites the last-use time of `key`'s entry. */
export function setLastUse(cacheDir: string, key: string, time: number): void {
  write(cacheDir, (env) => {
    const id = blobIdOf(key);
    const bytes = env.index.getBinaryFast(id);
    const record = bytes && decodeIndex(bytes);
    if (!record) throw new Error(`no index record for ${key}`);
    env.index.putSync(id, encodeIndex({ ...record, lastAccess: time }));
  });
}

/** The last-use time recorded for `key`'s entry. */
export function lastUseOf(cacheDir: string, key: string): number | undefined {
  const bytes = envOf(cacheDir).index.getBinaryFast(blobIdOf(key));
  return bytes ? decodeIndex(bytes)?.lastAccess : undefined;
}
