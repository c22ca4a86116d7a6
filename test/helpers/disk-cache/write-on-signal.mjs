// Opens a cache's store (one read), prints "open", then waits for <goFile> before storing one
// value, left to the commit made at exit (no flush first): meanwhile the test lets another
// process check the store.
// Usage: node write-on-signal.mjs <cacheDir> <goFile>
import { distCache, waitForFile } from "./dist-path.mjs";
import { entryOf, keyOf } from "./values.mjs";

const [cacheDir, goFile] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
cache.getBlob(keyOf("a", 0));
process.stdout.write("open\n");
await waitForFile(goFile);
cache.setBlob(keyOf("w", 1), entryOf("written after the check", "late"));
process.stdout.write("done\n");
