// Reads the given keys (each must be a hit with the expected value) and flushes, which records
// them as used. Usage: node reader.mjs <cacheDir> <sharedIndex>...
import { isDeepStrictEqual } from "node:util";
import { distCache } from "./dist-path.mjs";
import { keyOf, sharedValue } from "./values.mjs";

const [cacheDir, ...indexes] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir, maxSize: Infinity });
for (const index of indexes.map(Number)) {
  const entry = cache.getBlob(keyOf("a", index));
  if (!entry || !isDeepStrictEqual(entry.value, sharedValue(index))) throw new Error(`key ${index}: expected a hit with its value`);
}
cache.flush();
process.stdout.write(JSON.stringify(cache.lastFlush));
