// Commits one small entry per transaction until <stopFile> exists (at most 30 s), as a runner
// flushing after every result would, then prints how many it committed.
// Usage: node commit-loop.mjs <cacheDir> <writer> <stopFile> <goFile>
import { existsSync } from "node:fs";
import { distCache, waitForFile } from "./dist-path.mjs";
import { entryOf, keyOf } from "./values.mjs";

const [cacheDir, writerText, stopFile, goFile] = process.argv.slice(2);
const writer = Number(writerText);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
await waitForFile(goFile);
const end = Date.now() + 30_000;
let committed = 0;
while (Date.now() < end && (committed % 16 !== 0 || !existsSync(stopFile))) {
  cache.setBlob(keyOf("c", writer, committed), entryOf(committed, `loop${writer}`));
  cache.flush();
  committed += 1;
}
process.stdout.write(String(committed));
