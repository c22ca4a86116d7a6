// Increments a shared counter document `times` times through versioned-docs (compare-and-swap
// publishing): with several processes doing this at once, no increment may be lost.
// Usage: node counter.mjs <dir> <times> <goFile>
import { distDisk, waitForFile } from "./dist-path.mjs";

const [dir, timesText, goFile] = process.argv.slice(2);
const { VersionedDocs } = await import(distDisk("versioned-docs.js"));
const docs = new VersionedDocs(dir);
await waitForFile(goFile);
for (let i = 0; i < Number(timesText); i += 1) {
  docs.update("counter", (current) => {
    const next = new Map(current);
    next.set("count", (current.get("count") ?? 0) + 1);
    next.set(`p${process.pid}`, (current.get(`p${process.pid}`) ?? 0) + 1);
    return next;
  });
}
process.stdout.write("done");
