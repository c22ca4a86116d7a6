// Commits one small entry per transaction for a while, as a runner flushing after every result
// would, then prints how many it committed. Usage: node commit-loop.mjs <cacheDir> <writer> <ms> <goFile>
import { distCache, waitForFile } from "./dist-path.mjs";
import { entryOf, keyOf } from "./values.mjs";

const [cacheDir, writerText, msText, goFile] = process.argv.slice(2);
const writer = Number(writerText);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
await waitForFile(goFile);
const end = Date.now() + Number(msText);
let committed = 0;
while (Date.now() < end) {
  cache.setBlob(keyOf("c", writer, committed), entryOf(committed, `loop${writer}`));
  cache.flush();
  committed += 1;
}
process.stdout.write(String(committed));
