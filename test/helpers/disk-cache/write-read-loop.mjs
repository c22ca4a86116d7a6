// Writes and reads back keys for `ms` milliseconds while another process evicts: every read must
// be a miss or the complete value, never an error or a wrong value.
// Usage: node write-read-loop.mjs <cacheDir> <ms> <goFile>
import { distCache, waitForFile } from "./dist-path.mjs";
import { bigValue, entryOf, isBigValue, keyOf } from "./values.mjs";

const [cacheDir, msText, goFile] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir, maxSize: Infinity });
await waitForFile(goFile);
const end = Date.now() + Number(msText);
let hits = 0;
let misses = 0;
for (let seed = 0; Date.now() < end; seed += 1) {
  cache.setBlob(keyOf("e", seed % 20), entryOf(bigValue(seed, 0.25), `loop::${seed % 20}`));
  cache.flush(); // committed, so the reads below go to the store the evictor works on
  for (let back = 0; back < 20; back += 1) {
    const entry = cache.getBlob(keyOf("e", back));
    if (entry === undefined) misses += 1;
    else if (isBigValue(entry.value) && entry.nodeName === `loop::${back}` && entry.value.seed % 20 === back) hits += 1;
    else throw new Error(`key ${back}: read a wrong or incomplete value`);
  }
}
process.stdout.write(JSON.stringify({ hits, misses }));
