// Opens a cache whose store may be damaged, reads every key the test wrote, and stores one more.
// Every read must be a miss or the exact value; prints what it saw. A crash fails the test.
// Usage: node read-all.mjs <cacheDir> <count>
import { isDeepStrictEqual } from "node:util";
import { distCache } from "./dist-path.mjs";
import { entryOf, keyOf, sharedValue } from "./values.mjs";

const [cacheDir, countText] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
let hits = 0;
let misses = 0;
let wrong = 0;
for (let i = 0; i < Number(countText); i += 1) {
  const entry = cache.getBlob(keyOf("a", i));
  if (entry === undefined) misses += 1;
  else if (isDeepStrictEqual(entry.value, sharedValue(i))) hits += 1;
  else wrong += 1;
}
cache.setBlob(keyOf("f", 1), entryOf("after", "after"));
cache.flush();
const after = new DiskCache({ cacheDir }).getBlob(keyOf("f", 1))?.value;
process.stdout.write(JSON.stringify({ hits, misses, wrong, after }));
