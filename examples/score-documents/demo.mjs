/**
 * The quick-start demo. It copies this example to a scratch folder (`.demo/`, so your checkout is
 * never edited) and runs the pipeline three times, each in a fresh process through daft's
 * loader (`daft run pipeline.mjs`):
 *   1. empty cache: every cached step computes (✗ MISS);
 *   2. same code, same inputs: everything comes back from the disk cache (✓ HIT);
 *   3. after an edit to the imported helper text-vectors.mjs (DIMENSIONS 64 → 96): the steps
 *      whose code reaches it re-run, and say why (deps changed: …).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const example = fileURLToPath(new URL(".", import.meta.url));
const scratch = fileURLToPath(new URL("./.demo/", import.meta.url));
const daftCli = fileURLToPath(new URL("../../dist/src/cli/index.js", import.meta.url));

rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch);
for (const file of readdirSync(example)) {
  if (file.endsWith(".mjs") && file !== "demo.mjs") copyFileSync(`${example}${file}`, `${scratch}${file}`);
}

function run(label) {
  console.log(`\n── ${label}`);
  const result = spawnSync(process.execPath, [daftCli, "run", "pipeline.mjs"], {
    cwd: scratch,
    stdio: "inherit",
    env: { ...process.env, DEMO_CACHE_DIR: ".cache" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run("First run (empty cache)");
run("Second run (same code, same inputs)");

const helper = `${scratch}text-vectors.mjs`;
writeFileSync(helper, readFileSync(helper, "utf8").replace("export const DIMENSIONS = 64;", "export const DIMENSIONS = 96;"));
console.log("\n(edited .demo/text-vectors.mjs: DIMENSIONS 64 → 96)");
run("Third run (an imported helper changed)");
