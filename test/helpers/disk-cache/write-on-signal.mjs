// Opens a cache's store (one read), prints "open", then waits for <goFile> before storing one
// value, left to the commit made at exit (no flush, which would look for a replaced store
// first): meanwhile the test lets another process replace the store.
// Usage: node write-on-signal.mjs <cacheDir> <goFile>
import { distCache, waitForFile } from "./dist-path.mjs";
import { entryOf, keyOf } from "./values.mjs";

const [cacheDir, goFile] = process.argv.slice(2);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir });
cache.getBlob(keyOf("a", 0));
process.stdout.write("open\n");
await waitForFile(goFile);
cache.setBlob(keyOf("w", 1), entryOf("written after the rebuild", "late"));
process.stdout.write("done\n");
