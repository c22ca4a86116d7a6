/**
 * DiskCache: storing and reading values, damaged records, values that cannot be stored,
 * clearing, and reading from other instances and other processes.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { DiskCache, NotStorableError } from "../../src/cache/disk/index.js";
import { chunking, encodeValue } from "../../src/cache/disk/value-record.js";
import type { CacheEntry, NodeSignature } from "../../src/cache/types.js";
import { serializeValue } from "../../src/cache/values/value-codec.js";
import { hashString } from "../../src/hashing/xxhash.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { entry, everyValueKind, expectEveryValueKind, signature, unstorableValues } from "../helpers/stored-values.js";
import { lastUseOf, rawValue, setLastUse, setRawRecord, setRawValue } from "../helpers/disk-cache/store.js";

afterAll(removeTempDirs);

const KEY = "0123456789abcdef";
/** The files a cache directory holds once its values are committed. */
const STORE_FILES = ["values/data.mdb", "values/lock.mdb", "values/open-lock/data.mdb", "values/open-lock/lock.mdb", "values/verified.json"];

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((item) => item.isFile())
    .map((item) => join(item.parentPath, item.name).slice(dir.length + 1))
    .sort();
}

describe("DiskCache values", () => {
  it("round-trips Map, Set, Date, BigInt, typed arrays, Buffers, RegExp, errors and nesting", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    cache.setBlob(KEY, entry(everyValueKind()));
    const hit = new DiskCache({ cacheDir: cache.cacheDir }).getBlob(KEY);
    expect(hit).toBeDefined();
    expectEveryValueKind(hit!.value);
    expect(hit).toMatchObject({ outputHash: "h-result", createdAt: 1_700_000_000_000, durationMs: 12, nodeName: "result" });
  });

  it("stores a runner's entry of a primitive value in a compact layout and gives it back exactly", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const values = [0, -0, NaN, Infinity, -1.5e300, 2 ** 53 + 2, "", "héllo 🌍", "line\nbreak", true, false, null, undefined, "lone \ud800 surrogate"];
    const entries = values.map((value, index) => ({
      key: `${index.toString(16).padStart(2, "0")}23456789abcdef`,
      entry: { value, outputHash: "0123456789abcdef", createdAt: 1_700_000_000_000 + index, durationMs: index / 3, ...(index % 2 ? { nodeName: `n::${index}` } : {}) } as CacheEntry,
    }));
    for (const { key, entry: stored } of entries) cache.setBlob(key, stored);
    // Read back before the commit (from the pending batch), then from the store by a new process's view.
    for (const { key, entry: stored } of entries) expect(cache.getBlob(key), key).toEqual(stored);
    cache.flush();
    const reader = new DiskCache({ cacheDir: cache.cacheDir });
    for (const { key, entry: stored } of entries) {
      const hit = reader.getBlob(key)!;
      expect(hit, key).toEqual(stored);
      expect(Object.is(hit.value, stored.value), key).toBe(true);
      expect(Object.hasOwn(hit, "nodeName")).toBe(Object.hasOwn(stored, "nodeName"));
    }
    // The kind byte after the 32-byte header: 2 (compact) for all but the string that UTF-8
    // cannot carry, which goes through v8 (1).
    const kinds = entries.map(({ key }) => rawValue(cache.cacheDir, key)![32]);
    expect(kinds).toEqual([...values.slice(0, -1).map(() => 2), 1]);
  });

  it("still reads a record of the earlier format (the v8-serialised entry alone)", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const stored = entry({ kept: [1, 2, 3] });
    const record = encodeValue(KEY, KEY, serializeValue(stored)).record;
    setRawValue(cache.cacheDir, KEY, patched(record, 4, Buffer.from([1, 0])));
    expect(cache.getBlob(KEY)).toEqual(stored);
  });

  it("keeps shared and cyclic references", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    cache.setBlob(KEY, entry(cyclic));
    const got = cache.getBlob(KEY)!.value as typeof cyclic;
    expect(got.self).toBe(got);
    expect(got.again).toBe(got.shared);
  });

  it("returns falsy values as present entries, distinct from an absent key", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const falsy = [null, undefined, false, 0, "", NaN, 0n];
    falsy.forEach((value, index) => cache.setBlob(`falsy-${index}`, entry(value)));
    const reader = new DiskCache({ cacheDir: cache.cacheDir });
    falsy.forEach((value, index) => {
      const hit = reader.getBlob(`falsy-${index}`);
      expect(hit, `value ${String(value)}`).toBeDefined();
      expect("value" in hit!).toBe(true);
      expect(Object.is(hit!.value, value)).toBe(true);
    });
    expect(reader.getBlob("never-stored")).toBeUndefined();
  });

  it("is synchronous: every protocol method returns a plain value", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const results = [
      cache.setBlob(KEY, entry(1)),
      cache.getBlob(KEY),
      cache.setMeta(signature("result", 1)),
      cache.getMeta("result"),
      cache.flush(),
      cache.clear(),
    ];
    for (const result of results) expect(result).not.toBeInstanceOf(Promise);
  });

  it("keeps one result per distinct key: x=5, x=10, x=5 stores two", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const keyFor = (x: number) => `00000000000000${x.toString(16).padStart(2, "0")}`;
    for (const x of [5, 10, 5]) if (!cache.getBlob(keyFor(x))) cache.setBlob(keyFor(x), entry(x * 2));
    expect(cache.entries().map((stored) => stored.key)).toEqual([keyFor(5), keyFor(10)]);
    expect(cache.getBlob(keyFor(5))!.value).toBe(10);
  });

  it("accepts any string as a key without letting it name a path", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const keys = ["../../escape", "/abs/path", "with spaces", "ÜNICODE", "0123456789ABCDEF", ""];
    keys.forEach((key, index) => cache.setBlob(key, entry(index)));
    keys.forEach((key, index) => expect(cache.getBlob(key)?.value).toBe(index));
    cache.flush();
    keys.forEach((key, index) => expect(new DiskCache({ cacheDir: cache.cacheDir }).getBlob(key)?.value).toBe(index));
    expect(filesUnder(cache.cacheDir)).toEqual(STORE_FILES);
    expect(existsSync(join(cache.cacheDir, "..", "..", "escape"))).toBe(false);
  });
});

describe("DiskCache with damaged records", () => {
  const damages: Array<[string, (record: Buffer) => Buffer]> = [
    ["truncated to half", (record) => record.subarray(0, Math.floor(record.length / 2))],
    ["truncated inside the header", (record) => record.subarray(0, 10)],
    ["zero-length", () => Buffer.alloc(0)],
    ["garbage of the same length", (record) => Buffer.alloc(record.length, 0x5a)],
    ["wrong magic", (record) => patched(record, 0, Buffer.from("JUNK"))],
    ["one payload byte flipped (checksum)", (record) => flipped(record, record.length - 3)],
    ["a corrupted checksum field", (record) => patched(record, 16, Buffer.from("0000000000000000"))],
    ["bytes appended", (record) => Buffer.concat([record, Buffer.from("extra")])],
    ["a lying payload length", (record) => patched(record, 8, Buffer.from(new Float64Array([1]).buffer))],
  ];

  for (const [name, damage] of damages) {
    it(`reads a record ${name} as a miss, deletes it, and stores again`, () => {
      const cache = new DiskCache({ cacheDir: makeTempDir() });
      cache.setBlob(KEY, entry({ text: "a value long enough to cut in half".repeat(4) }));
      cache.flush();
      setRawValue(cache.cacheDir, KEY, damage(rawValue(cache.cacheDir, KEY)!));
      const reader = new DiskCache({ cacheDir: cache.cacheDir });
      expect(reader.getBlob(KEY)).toBeUndefined();
      reader.flush();
      expect(rawValue(cache.cacheDir, KEY)).toBeUndefined();
      cache.setBlob(KEY, entry("fresh"));
      cache.flush();
      expect(new DiskCache({ cacheDir: cache.cacheDir }).getBlob(KEY)?.value).toBe("fresh");
    });
  }

  it("reads a record of a newer format version as a miss but leaves it for the newer reader", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    cache.setBlob(KEY, entry("v"));
    cache.flush();
    setRawValue(cache.cacheDir, KEY, patched(rawValue(cache.cacheDir, KEY)!, 4, Buffer.from([3, 0])));
    expect(cache.getBlob(KEY)).toBeUndefined();
    cache.flush();
    expect(rawValue(cache.cacheDir, KEY)).toBeDefined();
  });

  it("reads a record holding another key as a miss", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    cache.setBlob("my key", entry("other"));
    cache.flush();
    setRawValue(cache.cacheDir, KEY, rawValue(cache.cacheDir, "my key")!);
    expect(cache.getBlob(KEY)).toBeUndefined();
    expect(cache.getBlob("my key")?.value).toBe("other");
  });

  it("survives damaged metadata files: signatures read as unknown, new ones are stored", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir });
    cache.setMeta(signature("result", 1));
    cache.flush();
    const metaFiles = filesUnder(join(dir, "meta"));
    expect(metaFiles.length).toBeGreaterThan(0);
    for (const file of metaFiles) writeFileSync(join(dir, "meta", file), "{ not json");
    const reader = new DiskCache({ cacheDir: dir });
    expect(reader.getMeta("result")).toBeUndefined();
    expect(reader.signatures()).toEqual([]);
    reader.setMeta(signature("result", 2));
    reader.flush();
    expect(new DiskCache({ cacheDir: dir }).getMeta("result")?.timestamp).toBe(2);
  });

  it("writes what the items of a node share once per file, and reads every signature back whole", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir });
    const item = (i: number, codeHash = "code-one"): NodeSignature => ({
      ...signature(`items::${i}`, 1000 + i, codeHash),
      inputsHash: `inputs-${i}`,
      parts: { inputs: { item: `item-${i}`, limit: "limit-hash" }, deps: { "src/a.ts": "ha" }, env: { TZ: "tz-hash" } },
    });
    // Items whose names fall in one file, as a node's items do a few hundred times over in a large run.
    const sameFile = Array.from({ length: 40_000 }, (_, i) => i).filter((i) => hashString(`items::${i}`).slice(0, 2) === "00");
    expect(sameFile.length).toBeGreaterThan(100);
    const written = [...sameFile.slice(1).map((i) => item(i)), item(sameFile[0]!, "code-two"), { ...signature("plain", 7), parts: undefined }, signature("no-inputs", 8)];
    delete written.at(-1)!.parts!.inputs;
    for (const one of written) cache.setMeta(one);
    cache.flush();
    const reader = new DiskCache({ cacheDir: dir });
    for (const one of written) expect(reader.getMeta(one.nodeName)).toEqual(JSON.parse(JSON.stringify(one)));
    const text = filesUnder(join(dir, "meta")).map((file) => readFileSync(join(dir, "meta", file), "utf8")).join("");
    expect(text.split("code-one")).toHaveLength(2);
    expect(text.split("code-two")).toHaveLength(2);
    expect(text.split("tz-hash")).toHaveLength(3);
  });

  it("reads signatures of an earlier file layout as unknown, and replaces them when it writes", () => {
    const dir = makeTempDir();
    const meta = join(dir, "meta");
    mkdirSync(meta, { recursive: true });
    // The earlier layout: one flat-cache entry per name holding the whole signature.
    const earlier = (name: string) => JSON.stringify([{ key: name, value: { signature: signature(name, 1), blobKey: KEY } }]);
    for (let shard = 0; shard < 256; shard += 1) writeFileSync(join(meta, `s${shard.toString(16).padStart(2, "0")}.1.json`), earlier("result"));
    const reader = new DiskCache({ cacheDir: dir });
    expect(reader.getMeta("result")).toBeUndefined();
    expect(reader.signatures()).toEqual([]);
    reader.setMeta(signature("result", 2));
    reader.flush();
    expect(new DiskCache({ cacheDir: dir }).getMeta("result")).toEqual(signature("result", 2));
    expect(new DiskCache({ cacheDir: dir }).signatures()).toHaveLength(1);
  });
});

describe("DiskCache refuses values it cannot store faithfully", () => {
  for (const [name, value, message] of unstorableValues()) {
    it(`throws NotStorableError for ${name}, naming the node and leaving nothing on disk`, () => {
      const dir = makeTempDir();
      const cache = new DiskCache({ cacheDir: dir });
      let thrown: unknown;
      try {
        cache.setBlob(KEY, entry(value, "scores::item-3"));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(NotStorableError);
      expect((thrown as NotStorableError).message).toMatch(message);
      expect((thrown as NotStorableError).message).toContain('node "scores::item-3"');
      expect((thrown as NotStorableError).nodeName).toBe("scores::item-3");
      expect(filesUnder(dir)).toEqual([]);
      expect(cache.getBlob(KEY)).toBeUndefined();
    });
  }

  it("drops symbol-keyed properties, as JSON and structuredClone do", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    cache.setBlob(KEY, entry({ data: 1, [Symbol("tag")]: "meta" }));
    const got = cache.getBlob(KEY)!.value as object;
    expect(got).toEqual({ data: 1 });
    expect(Object.getOwnPropertySymbols(got)).toEqual([]);
  });

  it("keeps the previous value of the key when a new one cannot be stored", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    cache.setBlob(KEY, entry("old"));
    expect(() => cache.setBlob(KEY, entry(() => 1))).toThrow(NotStorableError);
    expect(cache.getBlob(KEY)?.value).toBe("old");
  });
});

describe("DiskCache signatures", () => {
  it("keeps the latest signature per node, across instances, after flush", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir });
    cache.setMeta(signature("result", 1, "old"));
    cache.setMeta(signature("result", 2, "new"));
    cache.setMeta(signature("doubled", 3));
    expect(cache.getMeta("result")?.codeHash).toBe("new");
    cache.flush();
    const reader = new DiskCache({ cacheDir: dir });
    expect(reader.getMeta("result")).toEqual(signature("result", 2, "new"));
    expect(reader.signatures().map((s) => s.nodeName)).toEqual(["doubled", "result"]);
    expect(reader.getMeta("unknown")).toBeUndefined();
  });

  it("does not let an older signature from another process replace a newer one", () => {
    const dir = makeTempDir();
    const newer = new DiskCache({ cacheDir: dir });
    const older = new DiskCache({ cacheDir: dir });
    newer.setMeta(signature("result", 20, "newer"));
    older.setMeta(signature("result", 10, "older"));
    newer.flush();
    older.flush();
    expect(new DiskCache({ cacheDir: dir }).getMeta("result")?.codeHash).toBe("newer");
  });

  it("pairs a signature with the value stored for it, for listings", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    cache.setBlob(KEY, entry(1, "result"));
    cache.setMeta(signature("result", 5));
    cache.setBlob("00000000000000ff", entry(2, "other"));
    cache.flush();
    const listed = new DiskCache({ cacheDir: cache.cacheDir }).entries();
    expect(listed.find((stored) => stored.key === KEY)?.signature).toEqual(signature("result", 5));
    expect(listed.find((stored) => stored.key === "00000000000000ff")?.signature).toBeUndefined();
  });

  it("spreads signatures over shard files and rewrites only the shard a change touches", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir, maxSize: Infinity });
    for (let i = 0; i < 3000; i += 1) cache.setMeta(signature(`items::${i}`, i));
    cache.flush();
    const before = new Set(filesUnder(join(dir, "meta")));
    expect(before.size).toBe(256);
    cache.setMeta(signature("items::17", 99_999));
    cache.flush();
    const after = new Set(filesUnder(join(dir, "meta")));
    const replaced = [...before].filter((file) => !after.has(file));
    expect(replaced).toHaveLength(1);
    expect(new DiskCache({ cacheDir: dir }).getMeta("items::17")?.timestamp).toBe(99_999);
    expect(new DiskCache({ cacheDir: dir }).signatures()).toHaveLength(3000);
  });
});

describe("DiskCache across processes", () => {
  const childScript = (body: string) => `
    import { isDeepStrictEqual } from "node:util";
    const { DiskCache } = await import(${JSON.stringify(join(repoRoot, "dist/src/cache/index.js"))});
    ${body}
  `;

  it("a fresh process reads what this one wrote, with types intact", async () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir });
    cache.setBlob(KEY, entry({ when: new Date(5), ids: new Set([1n]), m: new Map([["k", new Uint16Array([3])]]) }));
    cache.setBlob("000000000000000f", entry(undefined));
    cache.setMeta(signature("result", 7));
    cache.flush();
    const { stdout } = await runNode(
      [
        "--input-type=module",
        "-e",
        childScript(`
          const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)} });
          const value = cache.getBlob(${JSON.stringify(KEY)}).value;
          const falsy = cache.getBlob("000000000000000f");
          console.log(JSON.stringify({
            date: value.when instanceof Date && value.when.getTime() === 5,
            set: value.ids instanceof Set && value.ids.has(1n),
            typed: value.m.get("k") instanceof Uint16Array && value.m.get("k")[0] === 3,
            falsyPresent: falsy !== undefined && "value" in falsy && falsy.value === undefined,
            codeHash: cache.getMeta("result")?.codeHash,
          }));
        `),
      ],
      { cwd: dir },
    );
    expect(JSON.parse(stdout)).toEqual({ date: true, set: true, typed: true, falsyPresent: true, codeHash: "c" });
  });

  it("this process reads what a child process wrote", async () => {
    const dir = makeTempDir();
    await runNode(
      [
        "--input-type=module",
        "-e",
        childScript(`
          const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)} });
          cache.setBlob(${JSON.stringify(KEY)}, { value: new Map([[1, [2n]]]), outputHash: "h", createdAt: 1, durationMs: 1, nodeName: "result" });
          cache.setMeta({ nodeName: "result", codeHash: "child", envHash: "", inputsHash: "i", depsHash: "d", timestamp: 3 });
          cache.flush();
        `),
      ],
      { cwd: dir },
    );
    const cache = new DiskCache({ cacheDir: dir });
    expect(cache.getBlob(KEY)?.value).toEqual(new Map([[1, [2n]]]));
    expect(cache.getMeta("result")?.codeHash).toBe("child");
  });

  it("persists pending signatures when a process exits without flushing", async () => {
    const dir = makeTempDir();
    await runNode(
      [
        "--input-type=module",
        "-e",
        childScript(`
          const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)} });
          cache.setMeta({ nodeName: "result", codeHash: "at-exit", envHash: "", inputsHash: "i", depsHash: "d", timestamp: 3 });
          process.exit(0);
        `),
      ],
      { cwd: dir },
    );
    expect(new DiskCache({ cacheDir: dir }).getMeta("result")?.codeHash).toBe("at-exit");
  });

  it("does not recreate a cache directory removed before exit", async () => {
    const base = makeTempDir();
    const dir = join(base, "cache");
    await runNode(
      [
        "--input-type=module",
        "-e",
        childScript(`
          const { rmSync } = await import("node:fs");
          const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)} });
          cache.setBlob("0000000000000001", { value: 1, outputHash: "h", createdAt: 1, durationMs: 1 });
          cache.flush();
          cache.setBlob("0000000000000002", { value: 2, outputHash: "h", createdAt: 1, durationMs: 1 });
          cache.getBlob("0000000000000001");
          cache.setMeta({ nodeName: "result", codeHash: "c", envHash: "", inputsHash: "i", depsHash: "d", timestamp: 3 });
          rmSync(${JSON.stringify(dir)}, { recursive: true });
        `),
      ],
      { cwd: base },
    );
    expect(existsSync(dir)).toBe(false);
  });

  it("loads flat-cache only when metadata is used, so hits and imports stay cheap", async () => {
    const dir = makeTempDir();
    const { stdout } = await runNode(
      [
        "--input-type=module",
        "-e",
        childScript(`
          const { createRequire } = await import("node:module");
          const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes("flat-cache"));
          const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)}, maxSize: Infinity });
          cache.setBlob("0000000000000001", { value: 1, outputHash: "h", createdAt: 1, durationMs: 1 });
          cache.getBlob("0000000000000001");
          cache.flush();
          const afterHits = loaded();
          cache.setMeta({ nodeName: "result", codeHash: "c", envHash: "", inputsHash: "i", depsHash: "d", timestamp: 3 });
          cache.flush();
          console.log(JSON.stringify({ afterHits, afterMeta: loaded() }));
        `),
      ],
      { cwd: dir },
    );
    expect(JSON.parse(stdout)).toEqual({ afterHits: false, afterMeta: true });
  });
});

describe("DiskCache.clear and listings", () => {
  it("removes everything it created, and the files of its earlier format, but nothing else", () => {
    const dir = makeTempDir();
    // Files of the user's own, some named much like daft's.
    const mine = ["notes.txt", "blobs/ab/keep-me.txt", "meta/settings.json", "meta/settings.1.json", "meta/s0a.json", "locks/mine.lock", "values/README.md"];
    // Files an earlier daft wrote: a value file, its size counter, its eviction lock.
    const earlier = ["blobs/ab/0123456789abcd.bin", "meta/size.3.json", "locks/evict.lock"];
    for (const file of [...mine, ...earlier]) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), "x");
    }
    const cache = new DiskCache({ cacheDir: dir, maxSize: 1024 ** 3 });
    for (let i = 0; i < 20; i += 1) cache.setBlob(`key-${i}`, entry(i, `n::${i}`));
    cache.setMeta(signature("n::1", 1));
    cache.flush();
    expect(filesUnder(dir)).toEqual(expect.arrayContaining([...STORE_FILES, ...earlier]));
    expect(cache.legacyFiles()).toEqual({ files: 1, bytes: 1 });
    cache.clear();
    expect(filesUnder(dir)).toEqual([...mine].sort());
    expect(cache.getBlob("key-1")).toBeUndefined();
    expect(cache.getMeta("n::1")).toBeUndefined();
    // Still usable afterwards.
    cache.setBlob("key-1", entry("again"));
    cache.flush();
    expect(new DiskCache({ cacheDir: dir }).getBlob("key-1")?.value).toBe("again");
  });

  it("lists entries with node, size, creation and last use, and totals per node", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir(), maxSize: Infinity });
    cache.setBlob("k1", entry("a".repeat(1000), "scores::doc-1"));
    cache.setBlob("k2", entry("b".repeat(2000), "scores::doc-2"));
    cache.setBlob("k3", entry("c", "summary"));
    const entries = cache.entries();
    expect(entries.map((stored) => [stored.key, stored.nodeName])).toEqual([
      ["k1", "scores::doc-1"],
      ["k2", "scores::doc-2"],
      ["k3", "summary"],
    ]);
    for (const stored of entries) {
      expect(stored.bytes).toBe(rawValue(cache.cacheDir, stored.key)!.length);
      expect(stored.createdAt).toBe(1_700_000_000_000);
      expect(Math.abs(stored.lastAccess - Date.now())).toBeLessThan(60_000);
    }
    const stats = cache.stats();
    expect(stats.entries).toBe(3);
    expect(stats.bytes).toBe(entries.reduce((total, stored) => total + stored.bytes, 0));
    expect(stats.nodes.map((usage) => [usage.node, usage.entries])).toEqual([
      ["scores", 2],
      ["summary", 1],
    ]);
    expect(cache.hasBlob("k1")).toBe(true);
    expect(cache.hasBlob("nope")).toBe(false);
  });

  it("counts a hit as a use: its last-use time moves on flush, not on every hit", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir(), maxSize: Infinity });
    cache.setBlob(KEY, entry(1));
    cache.flush();
    const hourAgo = Date.now() - 3_600_000;
    setLastUse(cache.cacheDir, KEY, hourAgo);
    const reader = new DiskCache({ cacheDir: cache.cacheDir, maxSize: Infinity });
    expect(reader.getBlob(KEY)).toBeDefined();
    expect(lastUseOf(cache.cacheDir, KEY)).toBe(hourAgo);
    reader.flush();
    expect(Math.abs(lastUseOf(cache.cacheDir, KEY)! - Date.now())).toBeLessThan(5_000);
    expect(reader.lastFlush?.uses).toBe(1);
  });

  it("does not believe a last use in the future: it lists as the creation time and goes first", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir(), maxSize: Infinity });
    const created = Date.now() - 10 * 24 * 3_600_000;
    cache.setBlob(KEY, { ...entry("from the future"), createdAt: created });
    cache.setBlob("0000000000000002", entry("used now"));
    cache.flush();
    setLastUse(cache.cacheDir, KEY, Date.now() + 365 * 24 * 3_600_000);
    expect(cache.entries().find((stored) => stored.key === KEY)?.lastAccess).toBe(created);
    const pruned = cache.prune({ maxAge: 7 * 24 * 3_600_000 });
    expect(pruned.removed.map((removed) => removed.key)).toEqual([KEY]);
    expect(cache.getBlob("0000000000000002")?.value).toBe("used now");
  });
});

function patched(record: Buffer, offset: number, bytes: Buffer): Buffer {
  const copy = Buffer.from(record);
  bytes.copy(copy, offset);
  return copy;
}

function flipped(record: Buffer, offset: number): Buffer {
  const copy = Buffer.from(record);
  copy[offset] = copy[offset]! ^ 0xff;
  return copy;
}

describe("DiskCache keeps what v8 alone would change", () => {
  it("gives objects without a prototype their null prototype back, wherever they are", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const dictionary = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, toString: "not a method" });
    const inMap = Object.assign(Object.create(null) as Record<string, unknown>, { deep: true });
    const value = { dictionary, list: [1, dictionary], map: new Map([["k", inMap]]), set: new Set([Object.create(null)]), plain: { b: 2 } };
    cache.setBlob(KEY, entry(value));
    cache.flush();
    const got = new DiskCache({ cacheDir: cache.cacheDir }).getBlob(KEY)!.value as typeof value;
    expect(Object.getPrototypeOf(got.dictionary)).toBeNull();
    expect({ ...got.dictionary }).toEqual({ a: 1, toString: "not a method" });
    expect(got.list[1]).toBe(got.dictionary); // shared, as it was
    expect(Object.getPrototypeOf(got.map.get("k"))).toBeNull();
    expect(Object.getPrototypeOf([...got.set][0])).toBeNull();
    expect(Object.getPrototypeOf(got.plain)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });

  it("refuses a built-in object whose prototype was removed (v8 would return an ordinary one)", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const list = Object.setPrototypeOf([1, 2], null) as unknown;
    expect(() => cache.setBlob(KEY, entry({ list }))).toThrow(/value\.list is a built-in object whose prototype was removed/);
  });
});

describe("DiskCache.getMany and setMany", () => {
  it("stores a batch with setBlob's batch and reads it back in order, undefined where absent", () => {
    const dir = makeTempDir();
    const cache = new DiskCache({ cacheDir: dir });
    const writes = [0, 1, 2].map((i) => ({ key: `000000000000000${i}`, entry: entry({ i }, `items::${i}`) }));
    expect(cache.setMany(writes)).toBeUndefined();
    expect(cache.getMany(["0000000000000001"])[0]?.value).toEqual({ i: 1 }); // this process reads its pending writes
    // Committed with the run's flush (one transaction for a run of misses), then another process sees them.
    cache.flush();
    const reader = new DiskCache({ cacheDir: dir });
    const got = reader.getMany(["0000000000000002", "00000000000000ff", "0000000000000000"]);
    expect(got.map((hit) => hit?.value)).toEqual([{ i: 2 }, undefined, { i: 0 }]);
    expect(got[0]).toMatchObject({ nodeName: "items::2", outputHash: "h-items::2" });
  });

  it("reports the entries it cannot store, aligned with the batch, and stores the others", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir() });
    const errors = cache.setMany([
      { key: "0000000000000001", entry: entry(1, "items::1") },
      { key: "0000000000000002", entry: entry(() => 2, "items::2") },
      { key: "0000000000000003", entry: entry(3, "items::3") },
    ]);
    expect(errors).toHaveLength(3);
    expect(errors![0]).toBeUndefined();
    expect(errors![1]).toBeInstanceOf(NotStorableError);
    expect(errors![1]!.message).toContain('node "items::2"');
    expect(errors![2]).toBeUndefined();
    expect(cache.getMany(["0000000000000001", "0000000000000002", "0000000000000003"]).map((hit) => hit?.value)).toEqual([1, undefined, 3]);
  });
});

describe("DiskCache with large values", () => {
  it("stores a value larger than one chunk in several, and a missing chunk reads as a miss", () => {
    const cache = new DiskCache({ cacheDir: makeTempDir(), maxSize: Infinity });
    // Chunks are 64 MiB; smaller ones here keep the test quick (readers need no chunk size).
    const chunkBytes = chunking.bytes;
    chunking.bytes = 100_000;
    onTestFinished(() => void (chunking.bytes = chunkBytes));
    const big = new Uint8Array(250_007);
    for (let i = 0; i < big.length; i += 1) big[i] = i % 251;
    cache.setBlob(KEY, entry({ big }));
    cache.flush();
    const got = new DiskCache({ cacheDir: cache.cacheDir }).getBlob(KEY)!.value as { big: Uint8Array };
    expect(got.big.length).toBe(big.length);
    expect(Buffer.compare(Buffer.from(got.big.buffer, got.big.byteOffset, got.big.length), Buffer.from(big.buffer))).toBe(0);
    expect(cache.entries()[0]!.bytes).toBeGreaterThan(big.length);
    // Lose the second chunk: the checksum of the whole payload fails, the entry is a miss.
    setRawRecord(cache.cacheDir, `${KEY}/1`, Buffer.alloc(10));
    expect(new DiskCache({ cacheDir: cache.cacheDir }).getBlob(KEY)).toBeUndefined();
  });
});

describe("DiskCache with a directory of the earlier format", () => {
  it("reads its value files as misses, never errors, and stores in the new format", () => {
    const dir = makeTempDir();
    const legacy = join(dir, "blobs", KEY.slice(0, 2), `${KEY.slice(2)}.bin`);
    mkdirSync(join(legacy, ".."), { recursive: true });
    writeFileSync(legacy, Buffer.concat([Buffer.from("DAFT\u0001\u0000"), Buffer.alloc(200, 1)]));
    const cache = new DiskCache({ cacheDir: dir });
    expect(cache.getBlob(KEY)).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
    expect(cache.legacyFiles().files).toBe(1);
    cache.setBlob(KEY, entry("new"));
    cache.flush();
    expect(new DiskCache({ cacheDir: dir }).getBlob(KEY)?.value).toBe("new");
    cache.prune({ maxAge: 7 * 24 * 3_600_000 });
    expect(existsSync(legacy)).toBe(false);
  });
});
