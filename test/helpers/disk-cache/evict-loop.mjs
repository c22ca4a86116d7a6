// Prunes a cache to nothing over and over for `ms` milliseconds, racing with readers.
// Usage: node evict-loop.mjs <cacheDir> <ms> <goFile>
import { distCache, waitForFile } from "./dist-path.mjs";

const [cacheDir, msText, goFile] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
await waitForFile(goFile);
const end = Date.now() + Number(msText);
let removed = 0;
while (Date.now() < end) removed += cache.prune({ maxSize: 0 }).removed.length;
process.stdout.write(JSON.stringify({ removed }));
