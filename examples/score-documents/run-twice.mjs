/**
 * The quick-start demo: clears the demo's cache, then runs the pipeline twice in two separate
 * processes. The first run computes everything (✗ MISS); the second loads it all from the disk
 * cache the first one wrote (✓ HIT).
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheDir = fileURLToPath(new URL("./.cache", import.meta.url));
rmSync(cacheDir, { recursive: true, force: true });

for (const label of ["First run (empty cache)", "Second run (same code, same inputs)"]) {
  console.log(`\n── ${label}`);
  const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: here, stdio: "inherit", env: { ...process.env, DEMO_CACHE_DIR: cacheDir } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
