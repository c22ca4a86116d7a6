/**
 * A value just over 2 GiB: stored in chunks and read back intact (the earlier one-file-per-value
 * format could never store it: one write call takes at most 2 GiB). It takes several GiB of
 * memory and minutes on a slow machine, so it runs only when asked (DAFT_TEST_BIG_VALUES=1) and
 * when the machine has the memory free.
 */
import { freemem } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { DiskCache } from "../../src/cache/disk/index.js";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";

afterAll(removeTempDirs);

const SIZE = 2 ** 31 + 4096;
const enoughMemory = freemem() > 14 * 1024 ** 3;
const asked = process.env.DAFT_TEST_BIG_VALUES === "1";

describe.skipIf(!asked || !enoughMemory)("DiskCache with a value over 2 GiB", () => {
  it("stores it and a new instance reads it back byte for byte", () => {
    const dir = makeTempDir();
    let big: Uint8Array | undefined = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i += 65_536) big[i] = (i / 65_536) % 251;
    big[SIZE - 1] = 7;
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    cache.setBlob("0123456789abcdef", { value: { big }, outputHash: "h", createdAt: 1, durationMs: 1, nodeName: "big" });
    cache.flush();
    big = undefined; // let the original go before the copy comes back
    const got = new DiskCache({ cacheDir: dir, maxSize: Infinity }).getBlob("0123456789abcdef")?.value as { big: Uint8Array } | undefined;
    expect(got?.big.length).toBe(SIZE);
    let wrong = 0;
    for (let i = 0; i < SIZE; i += 65_536) if (got!.big[i] !== (i / 65_536) % 251) wrong += 1;
    expect(wrong).toBe(0);
    expect(got!.big[SIZE - 1]).toBe(7);
    expect(cache.entries()[0]!.bytes).toBeGreaterThan(SIZE);
  }, 30 * 60_000);
});
