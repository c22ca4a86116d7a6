// Adds `times` distinct keys, one update each, to a shared document through versioned-docs
// (compare-and-swap publishing): with several processes doing this at once, every key of every
// process must be in the final document. Usage: node counter.mjs <dir> <times> <goFile>
import { distDisk, waitForFile } from "./dist-path.mjs";

const [dir, timesText, goFile] = process.argv.slice(2);
const { VersionedDocs } = await import(distDisk("versioned-docs.js"));
const docs = new VersionedDocs(dir);
await waitForFile(goFile);
for (let i = 0; i < Number(timesText); i += 1) {
  // Idempotent, as versioned-docs requires: adding the same key twice changes nothing.
  docs.update("updates", (current) => new Map([...current, [`${process.pid}-${i}`, i]]));
}
process.stdout.write("done");
