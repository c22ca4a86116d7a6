// Takes the eviction lock of a cache directory and keeps it until killed.
// Usage: node hold-lock.mjs <cacheDir>
import { join } from "node:path";
import { distDisk } from "./dist-path.mjs";

const [cacheDir] = process.argv.slice(2);
const { acquireLock } = await import(distDisk("process-lock.js"));
acquireLock(join(cacheDir, "locks", "evict.lock"), { staleMs: 10 * 60 * 1000, timeoutMs: 5000 });
process.stdout.write("locked\n");
setInterval(() => {}, 1000);
