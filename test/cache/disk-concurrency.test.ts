/**
 * DiskCache with several real processes at once, and with processes killed mid-write.
 * Children run the scripts in test/helpers/disk-cache/ against the built dist/ (`npm run build`).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import { VersionedDocs } from "../../src/cache/disk/versioned-docs.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
// @ts-expect-error plain .mjs shared with the child scripts
import { isBigValue, keyOf, ownValue, sharedValue } from "../helpers/disk-cache/values.mjs";

afterAll(removeTempDirs);

const script = (name: string) => join(repoRoot, "test", "helpers", "disk-cache", name);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((item) => item.isFile())
    .map((item) => join(item.parentPath, item.name));
}

describe("DiskCache with four processes writing at once", () => {
  it("keeps every value and every signature written by any of them", async () => {
    const dir = makeTempDir();
    const go = join(makeTempDir(), "go"); // start signal for the children
    const shared = 60;
    const own = 80;
    const children = [0, 1, 2, 3].map((worker) =>
      runNode([script("concurrent-writer.mjs"), dir, String(worker), String(shared), String(own), go], { cwd: dir }),
    );
    writeFileSync(go, "");
    const results = await Promise.all(children);
    expect(results.map((result) => JSON.parse(result.stdout).done)).toEqual([true, true, true, true]);

    const reader = new DiskCache({ cacheDir: dir });
    for (let index = 0; index < shared; index += 1) {
      const hit = reader.getBlob(keyOf("a", index));
      expect(hit && isDeepStrictEqual(hit.value, sharedValue(index)), `shared value ${index}`).toBe(true);
      // The newest signature (worker 3's timestamp) wins whatever order the flushes ran in.
      expect(reader.getMeta(`shared::${index}`)?.codeHash).toBe("code-from-3");
    }
    for (let worker = 0; worker < 4; worker += 1) {
      for (let index = 0; index < own; index += 1) {
        const hit = reader.getBlob(keyOf("b", worker, index));
        expect(hit && isDeepStrictEqual(hit.value, ownValue(worker, index)), `value ${worker}/${index}`).toBe(true);
        expect(reader.getMeta(`own${worker}::${index}`)?.codeHash).toBe(`code-${worker}-${index}`);
      }
    }
    expect(reader.signatures()).toHaveLength(shared + 4 * own);
    expect(reader.entries()).toHaveLength(shared + 4 * own);
    // No temp file is left behind by writers that finished.
    expect(filesUnder(dir).filter((file) => file.endsWith(".tmp"))).toEqual([]);
  });

  it("loses no commit while other processes open the store again and again", async () => {
    const dir = makeTempDir();
    const go = join(makeTempDir(), "go");
    // The store exists before the writers start, as in any run after the first.
    const seed = new DiskCache({ cacheDir: dir });
    seed.setBlob(keyOf("s", 0), { value: "seed", outputHash: "h", createdAt: 1, durationMs: 1, nodeName: "seed" });
    seed.flush();
    const stop = join(makeTempDir(), "stop");
    const writers = [0, 1].map((writer) => runNode([script("commit-loop.mjs"), dir, String(writer), stop, go], { cwd: dir }));
    const opener = runNode([script("reopen-loop.mjs"), dir, "12", go, stop], { cwd: dir });
    writeFileSync(go, "");
    const [committed0, committed1] = (await Promise.all([...writers, opener])).map((result) => Number(result.stdout));
    const reader = new DiskCache({ cacheDir: dir });
    const lost: string[] = [];
    for (const [writer, committed] of [[0, committed0!], [1, committed1!]] as const) {
      expect(committed).toBeGreaterThan(0);
      for (let index = 0; index < committed; index += 1) {
        if (reader.getBlob(keyOf("c", writer, index))?.value !== index) lost.push(`${writer}/${index}`);
      }
    }
    expect(lost, "entries committed and then lost").toEqual([]);
  });

  it("loses no update of a shared document (compare-and-swap publishing)", async () => {
    const dir = makeTempDir();
    const go = join(makeTempDir(), "go"); // start signal for the children
    const times = 150;
    const children = [0, 1, 2, 3].map(() => runNode([script("counter.mjs"), dir, String(times), go], { cwd: dir }));
    writeFileSync(go, "");
    const results = await Promise.all(children);
    const doc = new VersionedDocs(dir).read("updates");
    expect(doc.entries.size).toBe(4 * times);
    for (const child of results) expect(child.stdout).toBe("done");
    const perProcess = new Map<string, number>();
    for (const key of doc.entries.keys()) perProcess.set(key.split("-")[0]!, (perProcess.get(key.split("-")[0]!) ?? 0) + 1);
    expect([...perProcess.values()]).toEqual([times, times, times, times]);
    // Superseded versions are cleaned up: only the current one (and none half-written) remains.
    expect(readdirSync(dir)).toEqual([`updates.${doc.version}.json`]);
  });
});

describe("DiskCache with processes killed by SIGKILL", () => {
  it("leaves only complete, readable entries, and a later process writes, flushes and prunes", async () => {
    const dir = makeTempDir();
    for (let round = 0; round < 6; round += 1) {
      // Two writers at once, killed at different random moments after they started writing.
      await Promise.all([0, 1].map((writer) => killMidWrite(dir, round * 1_000_000 + writer * 100_000, 30 + Math.random() * 400)));
      assertEverythingReadable(dir);
    }

    // A later process: writes, flushes, prunes, and cleans the temp files the killed writers left.
    const { stdout } = await runNode(
      [
        "--input-type=module",
        "-e",
        `
          const { DiskCache } = await import(${JSON.stringify(join(repoRoot, "dist/src/cache/index.js"))});
          const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)} });
          cache.setBlob("00000000000000aa", { value: "after", outputHash: "h", createdAt: 1, durationMs: 1, nodeName: "after" });
          cache.setMeta({ nodeName: "after", codeHash: "c", envHash: "", inputsHash: "i", depsHash: "d", timestamp: Date.now() });
          cache.flush();
          const pruned = cache.prune({ maxSize: 16 * 1024 * 1024 });
          console.log(JSON.stringify({ value: new DiskCache({ cacheDir: ${JSON.stringify(dir)} }).getBlob("00000000000000aa")?.value, remaining: pruned.remainingBytes }));
        `,
      ],
      { cwd: dir, timeoutMs: 40_000 },
    );
    const after = JSON.parse(stdout);
    expect(after.value).toBe("after");
    expect(after.remaining).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(filesUnder(dir).filter((file) => file.endsWith(".tmp"))).toEqual([]);
    assertEverythingReadable(dir);
    expect(new DiskCache({ cacheDir: dir }).getMeta("after")?.codeHash).toBe("c");
  });
});

async function killMidWrite(dir: string, seed: number, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [script("endless-writer.mjs"), dir, String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  await Promise.race([new Promise((resolve) => child.stdout!.once("data", resolve)), exited]);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill("SIGKILL");
  const signal = await exited;
  if (signal !== "SIGKILL") throw new Error(`the writer ended by itself before it was killed:\n${stderr}`);
}

/** Every stored entry reads back complete; every metadata file parses. */
function assertEverythingReadable(dir: string): void {
  const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
  const entries = cache.entries();
  expect(entries.length).toBeGreaterThan(0);
  for (const stored of entries) {
    const hit = cache.getBlob(stored.key);
    expect(hit, `${stored.key} should be readable`).toBeDefined();
    if (stored.nodeName === "after") {
      expect(hit!.value).toBe("after");
      continue;
    }
    expect(isBigValue(hit!.value), `${stored.key} should be complete`).toBe(true);
    expect(hit!.nodeName).toBe(`big::${(hit!.value as { seed: number }).seed}`);
  }
  expect(cache.stats().bytes).toBe(entries.reduce((sum, stored) => sum + stored.bytes, 0));
  for (const file of filesUnder(join(dir, "meta")).filter((name) => name.endsWith(".json"))) {
    expect(() => JSON.parse(readFileSync(file, "utf8")), file).not.toThrow();
  }
  expect(() => cache.signatures()).not.toThrow();
}
