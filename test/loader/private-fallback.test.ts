/**
 * The fallback folder of the transform cache (used when node_modules/.cache cannot be written)
 * must be the user's own: a folder that someone else owns, or may write to, holds a cache they
 * choose. Such a folder is refused, and the loader keeps its caches in memory.
 *
 * Each case first lets the loader make its fallback folder (in a cache home of the test's, which
 * is also TMPDIR, wherever daft puts it), then plants a cache there whose every code hash is
 * false, and checks that the next run gives the true hashes and says why it refused the folder.
 * The second case needs a second Unix user: it creates one with useradd when the tests run as
 * root, and is skipped (saying so) otherwise.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFiles } from "../helpers/cache-files.js";
import { copyFixture, makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runProcess } from "../helpers/node-process.js";

afterAll(removeTempDirs);

const FALSE_HASH = "badc0ffee0ddf00d";

/** A copy whose node_modules/.cache cannot be created (a file stands where the folder would). */
function unwritableCopy(): FixtureCopy {
  const copy = copyFixture("poisoned-cache");
  writeFileSync(copy.path("node_modules/.cache"), "not a folder");
  return copy;
}

async function runLoader(copy: FixtureCopy, cacheHome: string): Promise<{ codeHash: string; stderr: string }> {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, TMPDIR: cacheHome, DEBUG: "daft:transform" };
  const result = await runProcess(process.execPath, ["--import", "daft/loader", "main.mjs"], { cwd: copy.dir, env });
  expect(result.code, result.stderr).toBe(0);
  const [node] = JSON.parse(result.stdout) as Array<{ codeHash: string; hashSource: string }>;
  expect(node!.hashSource).toBe("build");
  return { codeHash: node!.codeHash, stderr: result.stderr };
}

/** The loader's fallback cache file under `cacheHome`, after a first run made it. */
async function madeFallback(copy: FixtureCopy, cacheHome: string): Promise<{ cacheFile: string; codeHash: string }> {
  const { codeHash } = await runLoader(copy, cacheHome);
  const files = findFiles(cacheHome, "transform.json");
  expect(files).toHaveLength(1);
  return { cacheFile: files[0]!, codeHash };
}

/** A cache file's text with every code hash (stored as data or inside injected text) replaced by a false one. */
function withFalseHashes(text: string): string {
  const planted = text.replace(/(\\?"codeHash\\?":\\?")[0-9a-f]{16}/g, `$1${FALSE_HASH}`);
  expect(planted).not.toBe(text);
  return planted;
}

describe("the transform cache's fallback folder", () => {
  it("is refused when others may write to it, even if it is the user's own", async () => {
    const copy = unwritableCopy();
    const cacheHome = makeTempDir();
    const { cacheFile, codeHash } = await madeFallback(copy, cacheHome);
    writeFileSync(cacheFile, withFalseHashes(readFileSync(cacheFile, "utf8")));
    chmodSync(dirname(cacheFile), 0o777);

    const again = await runLoader(copy, cacheHome);
    expect(again.codeHash).toBe(codeHash);
    expect(again.stderr).toMatch(/caches in memory only: .* can be written by others \(mode 777\)/);
  }, 120_000);

  it("is refused when another user made it, world-writable, with a cache of theirs in it", async (context) => {
    if (process.getuid?.() !== 0) context.skip("needs root: it creates a second Unix user with useradd");
    const copy = unwritableCopy();
    // Two cache homes at the same depth, so the planted cache's relative paths fit the project:
    // the user's own, and a shared one (like /tmp) where the other user makes the folder first.
    const base = makeTempDir();
    chmodSync(base, 0o755);
    const own = join(base, "own");
    const shared = join(base, "shared");
    mkdirSync(own, { mode: 0o700 });
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const { cacheFile, codeHash } = await madeFallback(copy, own);
    const staged = join(base, "planted.json");
    writeFileSync(staged, withFalseHashes(readFileSync(cacheFile, "utf8")), { mode: 0o644 });
    const folders = relative(own, dirname(cacheFile)).split("/");

    const user = `daft-test-${process.pid}`;
    execFileSync("useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", user]);
    try {
      const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
      // The other user makes the folders (world-writable) and the cache file, in the shared home.
      const script = 'set -e; dir="$1"; shift; for name in "$@"; do dir="$dir/$name"; mkdir -m 0777 "$dir"; done; cp "$STAGED" "$dir/transform.json"; chmod 0666 "$dir/transform.json"';
      execFileSync("runuser", ["-u", user, "--", "sh", "-c", script, "sh", shared, ...folders], { env: { ...process.env, STAGED: staged } });
      const plantedFolder = join(shared, ...folders);
      expect(statSync(plantedFolder).uid).toBe(uid);
      const before = readFileSync(join(plantedFolder, "transform.json"), "utf8");

      const run = await runLoader(copy, shared);
      expect(run.codeHash).toBe(codeHash);
      expect(run.stderr).toContain(`belongs to uid ${uid}, not to this user (uid 0)`);
      // Nothing was read from it, and nothing written to it.
      expect(readdirSync(plantedFolder)).toEqual(["transform.json"]);
      expect(readFileSync(join(plantedFolder, "transform.json"), "utf8")).toBe(before);
    } finally {
      execFileSync("userdel", [user]);
    }
  }, 120_000);
});
