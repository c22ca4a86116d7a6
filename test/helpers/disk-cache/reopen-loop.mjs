// Opens the cache directory again and again, each time in a new process that reads one key, for
// a while: every open of a store that is being written finds it unverified and checks it first.
// Usage: node reopen-loop.mjs <cacheDir> <ms> <goFile>
import { spawnSync } from "node:child_process";
import { distCache, waitForFile } from "./dist-path.mjs";

const [cacheDir, msText, goFile] = process.argv.slice(2);
await waitForFile(goFile);
const end = Date.now() + Number(msText);
const read = `const { DiskCache } = await import(${JSON.stringify(distCache)}); new DiskCache({ cacheDir: process.argv[1] }).getBlob("0000000000000000");`;
let opens = 0;
while (Date.now() < end) {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", read, cacheDir], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`a reading process failed:\n${child.stderr}`);
  opens += 1;
}
process.stdout.write(String(opens));
