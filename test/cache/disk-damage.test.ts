/**
 * DiskCache when the store's data file itself is damaged (truncated, zeroed, garbled: a full
 * disk, a bad copy, a careless tool) and when a writer dies inside a transaction. A damaged file
 * must read as misses (or be recreated), never crash the process that opens it: LMDB would take
 * a SIGBUS or SIGSEGV on some of these, so each case runs in a real child process, which must
 * exit normally, see only exact values or misses, and store again.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
// @ts-expect-error plain .mjs shared with the child scripts
import { keyOf } from "../helpers/disk-cache/values.mjs";

afterAll(removeTempDirs);

const COUNT = 300;
const script = (name: string) => join(repoRoot, "test", "helpers", "disk-cache", name);

/**
 * A cache of COUNT values (some larger than a page), written by a child process: this process
 * must never map a file the test then damages (a process that has the store open when its file
 * is truncated under it takes the SIGBUS; that case is LMDB's, not one daft can guard).
 */
async function filledCache(): Promise<{ dir: string; dataFile: string }> {
  const dir = makeTempDir();
  await runNode([script("fill.mjs"), dir, String(COUNT)], { cwd: dir });
  return { dir, dataFile: join(dir, "values", "data.mdb") };
}

/** Overwrites `count` random runs of bytes after the two meta pages. */
function garble(file: string, runs: number, runLength: number): void {
  const size = statSync(file).size;
  const fd = openSync(file, "r+");
  try {
    for (let i = 0; i < runs; i += 1) {
      const bytes = Buffer.alloc(runLength);
      for (let j = 0; j < runLength; j += 1) bytes[j] = Math.floor(Math.random() * 256);
      writeSync(fd, bytes, 0, runLength, 8192 + Math.floor(Math.random() * (size - 8192 - runLength)));
    }
  } finally {
    closeSync(fd);
  }
}

describe("DiskCache with a damaged data file", () => {
  const damages: Array<[string, (file: string) => void]> = [
    ["truncated to half", (file) => truncateSync(file, Math.floor(statSync(file).size / 2))],
    ["truncated to its first page", (file) => truncateSync(file, 4096)],
    ["zero-length", (file) => writeFileSync(file, "")],
    ["garbage of the same length", (file) => writeFileSync(file, Buffer.alloc(statSync(file).size, 0x5a))],
    ["its meta pages zeroed", (file) => {
      const fd = openSync(file, "r+");
      writeSync(fd, Buffer.alloc(8192), 0, 8192, 0);
      closeSync(fd);
    }],
    ["whole pages garbled", (file) => garble(file, 12, 4096)],
    ["many whole pages garbled", (file) => garble(file, 60, 4096)],
    ["bytes garbled here and there", (file) => garble(file, 200, 8)],
  ];

  for (const [name, damage] of damages) {
    it(`${name}: a new process reads misses or exact values, never crashes, and stores again`, async () => {
      const { dir, dataFile } = await filledCache();
      damage(dataFile);
      const { stdout } = await runNode([script("read-all.mjs"), dir, String(COUNT)], { cwd: dir, timeoutMs: 60_000 });
      const seen = JSON.parse(stdout) as { hits: number; misses: number; wrong: number; after: string };
      expect(seen.wrong).toBe(0);
      expect(seen.hits + seen.misses).toBe(COUNT);
      expect(seen.after).toBe("after");
      // And the next process finds a sound store with what was stored after the damage.
      const next = JSON.parse((await runNode([script("read-all.mjs"), dir, String(COUNT)], { cwd: dir })).stdout);
      // (misses or exact values again: fewer hits if the damage was met late and the store replaced)
      expect(next).toMatchObject({ wrong: 0, after: "after" });
      expect(next.hits + next.misses).toBe(COUNT);
      expect(next.hits).toBeLessThanOrEqual(seen.hits);
    }, 90_000);
  }

  it("moves a store that cannot be read aside and starts a new one, leaving no damaged copy behind", async () => {
    const { dir, dataFile } = await filledCache();
    truncateSync(dataFile, 4096);
    const { stdout } = await runNode([script("read-all.mjs"), dir, String(COUNT)], { cwd: dir, timeoutMs: 60_000 });
    expect(JSON.parse(stdout)).toMatchObject({ hits: 0, misses: COUNT, wrong: 0, after: "after" });
    expect(readdirSync(dir).sort()).toEqual(["values"]);
  }, 90_000);

  it("opens an undamaged store at once, without a check, when daft wrote it last", async () => {
    const { dir } = await filledCache();
    const { stdout, stderr } = await runNode([script("read-all.mjs"), dir, String(COUNT)], { cwd: dir, env: { ...process.env, DEBUG: "daft:cache" } });
    expect(JSON.parse(stdout)).toMatchObject({ hits: COUNT, misses: 0, wrong: 0 });
    expect(stderr).not.toContain("checked");
  });
});

describe("DiskCache store that daft did not write last", () => {
  it("is checked by the next process and kept when sound; a process that had it open commits to it", async () => {
    const { dir } = await filledCache();
    const go = join(makeTempDir(), "go");
    const writer = spawn(process.execPath, [script("write-on-signal.mjs"), dir, go], { stdio: ["ignore", "pipe", "inherit"] });
    let writerOut = "";
    const writerExit = new Promise((resolve) => writer.once("exit", resolve));
    await new Promise<void>((resolve) => writer.stdout!.on("data", (chunk) => (writerOut += chunk) && writerOut.includes("open") && resolve()));
    // The record no longer matches the file (as after a writer killed between commit and record).
    writeFileSync(join(dir, "values", "verified.json"), "{}");
    const { stdout, stderr } = await runNode([script("read-all.mjs"), dir, String(COUNT)], { cwd: dir, env: { ...process.env, DEBUG: "daft:cache" } });
    expect(stderr).toContain("checked");
    expect(JSON.parse(stdout)).toMatchObject({ hits: COUNT, misses: 0, wrong: 0, after: "after" });
    writeFileSync(go, "");
    await writerExit;
    expect(writerOut).toContain("done");
    const reader = new DiskCache({ cacheDir: dir });
    expect(reader.getBlob(keyOf("w", 1))?.value).toBe("written after the check");
    expect(reader.getBlob(keyOf("f", 1))?.value).toBe("after");
  }, 60_000);
});

describe("DiskCache with a writer killed inside its transaction", () => {
  it("keeps nothing of that transaction and lets the next writer in at once", async () => {
    const { dir } = await filledCache();
    const holder = spawn(process.execPath, [script("hold-write.mjs"), dir], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    // LMDB's writer lock is a robust mutex: the kernel releases it with its dead holder.
    const { stdout } = await runNode([script("read-all.mjs"), dir, String(COUNT)], { cwd: dir, timeoutMs: 30_000 });
    expect(JSON.parse(stdout)).toMatchObject({ hits: COUNT, misses: 0, wrong: 0, after: "after" });
    expect(new DiskCache({ cacheDir: dir }).getBlob(keyOf("g", 1))).toBeUndefined();
    expect(new DiskCache({ cacheDir: dir }).getBlob(keyOf("f", 1))?.value).toBe("after");
  }, 60_000);
});
