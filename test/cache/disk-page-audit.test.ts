/**
 * The page audit of a store daft did not write last (page-audit.ts): it reads the data file with
 * plain reads and must pass every store LMDB wrote, and name each kind of damage that LMDB's
 * reads pass over but a later write aborts or crashes on. The stores are written by child
 * processes through DiskCache; the damage is made by editing pages of the file as LMDB laid them
 * out (64-bit LMDB 0.9: a 24-byte page header of page number, txn id, pad, flags, lower and upper
 * free-space bounds; 8-byte node headers).
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditPages, type PageCounts } from "../../src/cache/disk/page-audit.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

const COUNT = 300;
const PAGE = 4096;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const script = (name: string) => join(repoRoot, "test", "helpers", "disk-cache", name);

/** A store of COUNT values (most of them on overflow pages), then half of them pruned: free-page lists in use. */
async function churnedStore(): Promise<{ dir: string; dataFile: string }> {
  const dir = makeTempDir();
  await runNode([script("fill.mjs"), dir, String(COUNT)], { cwd: dir });
  const go = join(makeTempDir(), "go");
  writeFileSync(go, "");
  const size = statSync(join(dir, "values", "data.mdb")).size;
  await runNode([script("prune.mjs"), dir, String(Math.floor(size / 2)), go], { cwd: dir });
  await runNode([script("fill.mjs"), dir, String(COUNT / 3)], { cwd: dir });
  return { dir, dataFile: join(dir, "values", "data.mdb") };
}

/** Calls `edit` on every page after the two meta pages; writes the file back if any returned true (it edited the page). */
function editPages(file: string, edit: (page: Buffer, pageNumber: number) => boolean): number {
  const bytes = readFileSync(file);
  let edited = 0;
  for (let pageNumber = 2; (pageNumber + 1) * PAGE <= bytes.length; pageNumber += 1) {
    if (edit(bytes.subarray(pageNumber * PAGE, (pageNumber + 1) * PAGE), pageNumber)) edited += 1;
  }
  if (edited > 0) writeFileSync(file, bytes);
  return edited;
}

/** How many pages after the meta pages pass `test`. */
function pagesWhere(file: string, test: (page: Buffer) => boolean): number {
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = 2 * PAGE; at + PAGE <= bytes.length; at += PAGE) if (test(bytes.subarray(at, at + PAGE))) count += 1;
  return count;
}

const typeOf = (page: Buffer) => page.readUInt16LE(18) & 0x7f;
const keyCount = (page: Buffer) => page.readUInt16LE(20) / 2;
const node = (page: Buffer, index: number) => 24 + page.readUInt16LE(24 + 2 * index);

/** A leaf of the free-page tree: 8-byte keys (txn ids), each record a list of page numbers. */
function isFreeListLeaf(page: Buffer): boolean {
  if (typeOf(page) !== P_LEAF || keyCount(page) === 0) return false;
  for (let index = 0; index < keyCount(page); index += 1) {
    const at = node(page, index);
    const size = page.readUInt16LE(at) + page.readUInt16LE(at + 2) * 0x10000;
    if (page.readUInt16LE(at + 6) !== 8 || page.readUInt16LE(at + 4) !== 0 || size % 8 !== 0) return false;
    if (page.readBigUInt64LE(at + 16) * 8n + 8n > BigInt(size)) return false;
  }
  return true;
}

describe("auditing the pages of a store", () => {
  it("passes stores LMDB wrote: filled, pruned and filled again, and after a writer killed inside its transaction", async () => {
    const { dir, dataFile } = await churnedStore();
    expect(auditPages(dataFile)).toHaveProperty("sound");
    expect(pagesWhere(dataFile, isFreeListLeaf)).toBeGreaterThan(0); // the free-page lists are in use
    const holder = spawn(process.execPath, [script("hold-write.mjs"), dir], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    expect(auditPages(dataFile)).toHaveProperty("sound");
  }, 60_000);

  it("passes a store whose free-page lists hold runs of pages and empty slots, as lmdb-js's LMDB writes them", async () => {
    const dir = makeTempDir();
    const dataFile = join(dir, "values", "data.mdb");
    // Many commits, two thirds pruned, then many commits again: the free pages are reused and
    // the lists saved in the layout with runs and gaps.
    await runNode([script("fill-in-commits.mjs"), dir, "a", "6000", "300"], { cwd: dir, timeoutMs: 120_000 });
    const go = join(makeTempDir(), "go");
    writeFileSync(go, "");
    await runNode([script("prune.mjs"), dir, String(Math.floor(statSync(dataFile).size / 3)), go], { cwd: dir });
    await runNode([script("fill-in-commits.mjs"), dir, "b", "3000", "300"], { cwd: dir, timeoutMs: 120_000 });
    const audit = auditPages(dataFile);
    expect(audit).toHaveProperty("sound");
    const counts = (audit as { sound: PageCounts }).sound;
    expect(counts.runs).toBeGreaterThan(0);
    expect(counts.emptySlots).toBeGreaterThan(0);
    expect(counts.freePages).toBeGreaterThan(counts.runs);
  }, 240_000);

  const damages: Array<[string, (page: Buffer) => boolean, RegExp]> = [
    [
      "leaf pages whose free-space bounds cross (reads use only the lower one; adding a node aborts)",
      (page) => typeOf(page) === P_LEAF && (page.writeUInt16LE(page.readUInt16LE(20) - 2, 22), true),
      /free-space bounds/,
    ],
    [
      "pages carrying another page's number",
      (page) => typeOf(page) & (P_LEAF | P_BRANCH) ? (page.writeBigUInt64LE(page.readBigUInt64LE(0) + 1n, 0), true) : false,
      /carries page number/,
    ],
    [
      "a branch page whose second child is its first again",
      (page) => {
        if (typeOf(page) !== P_BRANCH || keyCount(page) < 2) return false;
        page.copy(page, node(page, 1), node(page, 0), node(page, 0) + 2);
        page.copy(page, node(page, 1) + 2, node(page, 0) + 2, node(page, 0) + 6);
        return true;
      },
      /used twice/,
    ],
    [
      "overflow runs one page longer than their records need",
      (page) => typeOf(page) === P_OVERFLOW && (page.writeUInt32LE(page.readUInt32LE(20) + 1, 20), true),
      /not a run/,
    ],
    [
      "a free-page list naming a page past the file's last page",
      (page) => {
        if (!isFreeListLeaf(page)) return false;
        const at = node(page, 0) + 8 + 8;
        if (page.readBigUInt64LE(at) === 0n) return false;
        page.writeBigUInt64LE(1n << 30n, at + 8);
        return true;
      },
      /names page 1073741824, outside pages/,
    ],
  ];

  for (const [name, edit, finding] of damages) {
    it(`finds ${name}`, async () => {
      const { dataFile } = await churnedStore();
      expect(editPages(dataFile, edit)).toBeGreaterThan(0);
      expect(auditPages(dataFile)).toEqual({ damage: expect.stringMatching(finding) });
    }, 60_000);
  }

  it("finds a file cut short", async () => {
    const { dataFile } = await churnedStore();
    truncateSync(dataFile, Math.floor(statSync(dataFile).size / 3));
    expect(auditPages(dataFile)).toEqual({ damage: expect.stringMatching(/past the end of the file|outside pages/) });
  }, 60_000);
});

describe("DiskCache with a store whose page headers something garbled", () => {
  it("takes it as damaged before any process maps it, and starts a new store", async () => {
    const { dir, dataFile } = await churnedStore();
    editPages(dataFile, (page) => typeOf(page) === P_LEAF && (page.writeUInt16LE(page.readUInt16LE(20) - 2, 22), true));
    const { stdout, stderr } = await runNode([script("read-all.mjs"), dir, String(COUNT)], {
      cwd: dir,
      timeoutMs: 60_000,
      env: { ...process.env, DEBUG: "daft:cache" },
    });
    expect(stderr).toContain("its page structure is damaged");
    expect(JSON.parse(stdout)).toMatchObject({ hits: 0, misses: COUNT, wrong: 0, after: "after" });
    expect(auditPages(dataFile)).toHaveProperty("sound");
  }, 90_000);
});
