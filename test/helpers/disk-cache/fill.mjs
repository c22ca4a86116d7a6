// Stores `count` shared values (see values.mjs) in a cache and commits them.
// Usage: node fill.mjs <cacheDir> <count>
import { distCache } from "./dist-path.mjs";
import { entryOf, keyOf, sharedValue } from "./values.mjs";

const [cacheDir, countText] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir, maxSize: Infinity });
for (let i = 0; i < Number(countText); i += 1) cache.setBlob(keyOf("a", i), entryOf(sharedValue(i), `shared::${i}`));
cache.flush();
