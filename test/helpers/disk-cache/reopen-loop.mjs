// Opens the cache directory <count> times, each time in a new process that reads one key, then
// creates <stopFile>: the writers commit all along, so every open meets commits in progress.
// Usage: node reopen-loop.mjs <cacheDir> <count> <goFile> <stopFile>
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { distCache, waitForFile } from "./dist-path.mjs";

const [cacheDir, countText, goFile, stopFile] = process.argv.slice(2);
await waitForFile(goFile);
const read = `const { DiskCache } = await import(${JSON.stringify(distCache)}); new DiskCache({ cacheDir: process.argv[1] }).getBlob("0000000000000000");`;
for (let open = 0; open < Number(countText); open += 1) {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", read, cacheDir], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`a reading process failed:\n${child.stderr}`);
}
writeFileSync(stopFile, "");
process.stdout.write(countText);
