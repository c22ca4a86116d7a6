// Prunes a cache once to `maxSize` bytes, starting when `goFile` appears; prints the removed keys.
// Usage: node prune.mjs <cacheDir> <maxSize> <goFile>
import { distCache, waitForFile } from "./dist-path.mjs";

const [cacheDir, maxSizeText, goFile] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
await waitForFile(goFile);
const result = cache.prune({ maxSize: Number(maxSizeText) });
process.stdout.write(JSON.stringify(result.removed.map((entry) => entry.key)));
