// Enters a write transaction of a cache's store and stays in it until killed. Prints "inside".
// Usage: node hold-write.mjs <cacheDir>
import { join } from "node:path";
import { distDisk } from "./dist-path.mjs";
import { entryOf, keyOf } from "./values.mjs";

const [cacheDir] = process.argv.slice(2);
const { DiskCache } = await import(new URL("../../../dist/src/cache/index.js", import.meta.url).href);
const { StoreSession } = await import(distDisk("store-session.js"));
new DiskCache({ cacheDir }).setBlob(keyOf("g", 1), entryOf("held", "held"));
StoreSession.of(join(cacheDir, "values")).commit(() => {
  process.stdout.write("inside\n");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // forever, holding LMDB's writer lock
  return { bytes: 0, entries: 0, scannedAt: undefined };
});
