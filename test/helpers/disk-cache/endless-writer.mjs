// Writes large values, signatures and flushes in a loop, and prunes now and then (holding the
// eviction lock), until it is killed. Prints "ready" once it has written something.
// Usage: node endless-writer.mjs <cacheDir> <seedBase>
import { distCache } from "./dist-path.mjs";
import { bigValue, entryOf, keyOf, signatureOf } from "./values.mjs";

const [cacheDir, seedText] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir, maxSize: 64 * 1024 * 1024 });
let seed = Number(seedText);
for (let round = 0; ; round += 1) {
  seed += 1;
  const nodeName = `big::${seed}`;
  // A few keys are rewritten over and over (rename over an existing file), most are new.
  const key = round % 4 === 0 ? keyOf("c", 0, round % 3) : keyOf("d", seed);
  cache.setBlob(key, entryOf(bigValue(seed, 1 + (round % 4)), nodeName));
  cache.setMeta(signatureOf(nodeName, `code-${seed}`, Date.now()));
  if (round % 3 === 0) cache.flush();
  if (round % 7 === 0) cache.prune({ maxSize: 32 * 1024 * 1024 });
  if (round === 0) process.stdout.write("ready\n");
}
