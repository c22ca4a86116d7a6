// One of several processes writing the same cache directory at once: shared keys (every writer
// stores the same value), its own keys, and signatures, flushing every few writes.
// Usage: node concurrent-writer.mjs <cacheDir> <worker> <shared> <own> <goFile> [maxSize]
import { distCache, waitForFile } from "./dist-path.mjs";
import { entryOf, keyOf, ownValue, sharedValue, signatureOf } from "./values.mjs";

const [cacheDir, workerText, sharedText, ownText, goFile, maxSizeText] = process.argv.slice(2);
const worker = Number(workerText);
const sharedCount = Number(sharedText);
const ownCount = Number(ownText);
const { DiskCache } = await import(distCache);
const cache = new DiskCache(maxSizeText ? { cacheDir, maxSize: Number(maxSizeText) } : { cacheDir });
await waitForFile(goFile);

const base = 1_800_000_000_000;
let operations = 0;
let evictedHere = 0;
const flush = () => {
  cache.flush();
  evictedHere += cache.lastFlush.evicted?.removed.length ?? 0;
};
const total = Math.max(sharedCount, ownCount);
for (let i = 0; i < total; i += 1) {
  if (i < sharedCount) {
    // Walk the shared keys from a different starting point in each worker, so they collide.
    const index = (i + worker * 7) % sharedCount;
    cache.setBlob(keyOf("a", index), entryOf(sharedValue(index), `shared::${index}`));
    // Every worker records a signature for the shared name; the newest (highest worker) must win.
    cache.setMeta(signatureOf(`shared::${index}`, `code-from-${worker}`, base + worker));
  }
  if (i < ownCount) {
    cache.setBlob(keyOf("b", worker, i), entryOf(ownValue(worker, i), `own${worker}::${i}`));
    cache.setMeta(signatureOf(`own${worker}::${i}`, `code-${worker}-${i}`, base + i));
  }
  operations += 1;
  if (operations % 5 === 0) flush();
}
flush();
process.stdout.write(JSON.stringify({ worker, done: true, evicted: evictedHere }));
