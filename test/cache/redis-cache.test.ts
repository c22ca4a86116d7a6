/**
 * RedisCache against a real redis-server on loopback: values, values it refuses, damaged and
 * foreign data, signatures, batches, prefixes and clear, TTL, and what happens when Redis is
 * down, goes away, or the cache is closed. Whole processes are in redis-processes.test.ts.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DaftError, func, NotStorableError, Pipeline, Runner } from "../../src/index.js";
import type { CacheEntry, NodeSignature } from "../../src/cache/types.js";
import { serializeValue } from "../../src/cache/values/value-codec.js";
import { xx } from "../../src/hashing/xxhash.js";
import { encodeEntry } from "../../src/redis/entry-frame.js";
import { RedisCache, RedisConnectionError } from "../../src/redis/index.js";
import { redisUnavailable } from "../helpers/redis-availability.js";
import { freePort, startRedis, type RedisServer } from "../helpers/redis-server.js";
import { entry, everyValueKind, expectEveryValueKind, Model, signature, unstorableValues } from "../helpers/stored-values.js";

const KEY = "0123456789abcdef";

describe.skipIf(redisUnavailable())("RedisCache against a real redis-server", () => {
  let server: RedisServer;
  /** A plain client, to look at and tamper with what RedisCache stored. */
  let raw: Redis;
  const opened: RedisCache[] = [];
  let prefixes = 0;

  /** A cache with a prefix of its own, so tests do not see each other's keys. */
  const cacheFor = (options: { prefix?: string; ttlSeconds?: number } = {}) => {
    const cache = new RedisCache({ url: server.url, prefix: `t${(prefixes += 1)}:`, ...options });
    opened.push(cache);
    return cache;
  };
  /** Another instance (another connection) on the same prefix: what another process would read. */
  const readerOf = (cache: RedisCache) => cacheFor({ prefix: cache.prefix, ...(cache.ttlSeconds ? { ttlSeconds: cache.ttlSeconds } : {}) });
  const blobKey = (cache: RedisCache, key = KEY) => `${cache.prefix}blob:${key}`;
  /** Calls of one command since the last CONFIG RESETSTAT. */
  const callsOf = async (command: string) => {
    const stats = await raw.info("commandstats");
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  };

  beforeAll(async () => {
    server = await startRedis();
    raw = new Redis(server.url);
  });

  afterAll(async () => {
    for (const cache of opened) await cache.close().catch(() => undefined);
    raw?.disconnect();
    await server?.stop();
  });

  describe("values", () => {
    it("round-trips Map, Set, Date, BigInt, typed arrays, Buffers, RegExp, errors and nesting, read by another connection", async () => {
      const cache = cacheFor();
      await cache.setBlob(KEY, { ...entry(everyValueKind()), itemHashes: ["a", "b"] });
      const hit = await readerOf(cache).getBlob(KEY);
      expect(hit).toBeDefined();
      expectEveryValueKind(hit!.value);
      const got = hit!.value;
      expect(hit).toEqual({ ...entry(got), itemHashes: ["a", "b"] });
    });

    it("keeps shared and cyclic references", async () => {
      const cache = cacheFor();
      const shared = { n: 1 };
      const cyclic: Record<string, unknown> = { shared, again: shared };
      cyclic.self = cyclic;
      await cache.setBlob(KEY, entry(cyclic));
      const got = (await cache.getBlob(KEY))!.value as typeof cyclic;
      expect(got.self).toBe(got);
      expect(got.again).toBe(got.shared);
    });

    it("returns falsy values as present entries, distinct from an absent key", async () => {
      const cache = cacheFor();
      const falsy = [null, undefined, false, 0, "", NaN, 0n];
      await Promise.all(falsy.map((value, index) => cache.setBlob(`falsy-${index}`, entry(value))));
      const reader = readerOf(cache);
      for (const [index, value] of falsy.entries()) {
        const hit = await reader.getBlob(`falsy-${index}`);
        expect(hit, `value ${String(value)}`).toBeDefined();
        expect("value" in hit!).toBe(true);
        expect(Object.is(hit!.value, value)).toBe(true);
      }
      expect(await reader.getBlob("never-stored")).toBeUndefined();
    });
  });

  describe("values it cannot store faithfully", () => {
    for (const [name, value, message] of unstorableValues()) {
      it(`refuses ${name} with a NotStorableError naming the node, sending nothing and keeping the previous value`, async () => {
        const cache = cacheFor();
        await cache.setBlob(KEY, entry("old"));
        const thrown = await cache.setBlob(KEY, entry(value, "scores::item-3")).then(() => undefined, (error: unknown) => error);
        expect(thrown).toBeInstanceOf(NotStorableError);
        expect(thrown).toBeInstanceOf(DaftError);
        expect((thrown as NotStorableError).message).toMatch(message);
        expect((thrown as NotStorableError).message).toContain('node "scores::item-3"');
        expect((thrown as NotStorableError).nodeName).toBe("scores::item-3");
        expect((await cache.getBlob(KEY))?.value).toBe("old");
        await raw.config("RESETSTAT");
        await expect(cache.setBlob("new-key", entry(value))).rejects.toBeInstanceOf(NotStorableError);
        expect(await callsOf("set")).toBe(0);
        expect(await raw.exists(blobKey(cache, "new-key"))).toBe(0);
      });
    }

    it("refuses an entry whose fields could not be read back", async () => {
      const cache = cacheFor();
      const bad = { value: 1, outputHash: 5, createdAt: 1, durationMs: 1 } as unknown as CacheEntry;
      await expect(cache.setBlob(KEY, bad)).rejects.toThrow(/not a CacheEntry/);
      expect(await raw.exists(blobKey(cache))).toBe(0);
    });

    it("is reported by a real runner as not stored, and computed again next run", async () => {
      const cache = cacheFor();
      let calls = 0;
      const load = func({ output: "model", cache: true }, ({ size }: { size: number }) => {
        calls += 1;
        return Object.assign(new Model(), { size });
      });
      const square = func({ output: "squares", mapAxis: "n", cache: true }, ({ n }: { n: number }) => {
        calls += 1;
        return n * n;
      });
      const pipeline = new Pipeline({ functions: [load, square] });
      const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: cache, verbose: false } });
      const first = await runner.run(pipeline, { size: 3, n: [1, 2, 3] });
      expect(first.model).toBeInstanceOf(Model);
      expect(first.squares).toEqual([1, 4, 9]);
      expect(runner.stats.notStored).toBe(1);
      const event = runner.stats.events.find((item) => item.key === "model");
      expect(event?.stored).toBe(false);
      expect(event?.notStoredReason).toMatch(/value is an instance of class Model/);
      calls = 0;
      const second = await runner.run(pipeline, { size: 3, n: [1, 2, 3] });
      expect(second.model).toBeInstanceOf(Model);
      expect(calls).toBe(1); // only the model; the squares were hits
      expect(runner.stats.hits).toBe(3);
    });
  });

  describe("damaged and foreign entries read as misses", () => {
    /** A frame with a valid checksum around any payload: only the payload's content is wrong. */
    const frameOf = (payload: Buffer, version = 1) => {
      const checksum = Buffer.alloc(8);
      checksum.writeBigUInt64LE(xx.h64Raw(payload, xx.h64(KEY)));
      return Buffer.concat([Buffer.from("DFTR"), Buffer.from([version]), checksum, payload]);
    };

    it("reads a frame built by hand around a valid entry (so the cases below miss for their content only)", async () => {
      const cache = cacheFor();
      await raw.set(blobKey(cache), frameOf(serializeValue(entry("by hand"))));
      expect((await cache.getBlob(KEY))?.value).toBe("by hand");
    });

    const cases: Array<[string, () => Buffer | Promise<void>]> = [
      ["garbage bytes", () => Buffer.from("not a daft entry at all")],
      ["an empty string", () => Buffer.alloc(0)],
      ["a header alone", () => Buffer.from("DFTR")],
      ["a newer format version", () => frameOf(serializeValue(entry(1)), 2)],
      ["a payload that is not v8 data", () => frameOf(Buffer.from([0xff, 0x0f, 0x99, 0x99, 0x99]))],
      ["a payload that is not an object", () => frameOf(serializeValue(42))],
      ["an entry without a value", () => frameOf(serializeValue({ outputHash: "h", createdAt: 1, durationMs: 1 }))],
      ["an outputHash that is a number", () => frameOf(serializeValue({ value: 1, outputHash: 5, createdAt: 1, durationMs: 1 }))],
      ["a createdAt that is a string", () => frameOf(serializeValue({ value: 1, outputHash: "h", createdAt: "now", durationMs: 1 }))],
      ["item hashes that are not strings", () => frameOf(serializeValue({ ...entry(1), itemHashes: [1, 2] }))],
      ["a node name that is not a string", () => frameOf(serializeValue({ ...entry(1), nodeName: 7 }))],
      ["an entry stored under another key", () => encodeEntry("another-key", entry("theirs"))],
    ];
    for (const [name, bytes] of cases) {
      it(`${name}: getBlob and getMany miss, and the next write replaces it`, async () => {
        for (const ttlSeconds of [undefined, 60]) {
          const cache = cacheFor(ttlSeconds ? { ttlSeconds } : {});
          await raw.set(blobKey(cache), (await bytes()) as Buffer);
          expect(await cache.getBlob(KEY)).toBeUndefined();
          expect(await cache.getMany([KEY])).toEqual([undefined]);
          await cache.setBlob(KEY, entry("mine"));
          expect((await cache.getBlob(KEY))?.value).toBe("mine");
        }
      });
    }

    it("a value altered in place (one character) fails its checksum instead of reading back different", async () => {
      const cache = cacheFor();
      await cache.setBlob(KEY, entry("total=1000"));
      const stored = (await raw.getBuffer(blobKey(cache)))!;
      const at = stored.indexOf("total=1000");
      expect(at).toBeGreaterThan(0);
      stored.write("9", at + 6, "latin1");
      await raw.set(blobKey(cache), stored);
      expect(await cache.getBlob(KEY)).toBeUndefined();
    });

    it("keys holding another Redis type (a list, a hash) are misses", async () => {
      for (const ttlSeconds of [undefined, 60]) {
        const cache = cacheFor(ttlSeconds ? { ttlSeconds } : {});
        await raw.rpush(blobKey(cache, "list"), "a");
        await raw.hset(blobKey(cache, "hash"), "f", "v");
        expect(await cache.getBlob("list")).toBeUndefined();
        expect(await cache.getBlob("hash")).toBeUndefined();
        expect(await cache.getMany(["list", "hash"])).toEqual([undefined, undefined]);
        await cache.setBlob("list", entry(1));
        expect((await cache.getBlob("list"))?.value).toBe(1);
      }
    });
  });

  describe("signatures", () => {
    it("keeps the latest signature per node in one hash, with its parts, read by another connection", async () => {
      const cache = cacheFor();
      cache.setMeta(signature("result", 1));
      cache.setMeta(signature("result", 2, "newer"));
      cache.setMeta(signature("scores::doc-1", 3));
      await cache.flush();
      expect(await raw.type(`${cache.prefix}meta`)).toBe("hash");
      expect(await raw.hlen(`${cache.prefix}meta`)).toBe(2);
      const reader = readerOf(cache);
      expect(await reader.getMeta("result")).toEqual(signature("result", 2, "newer"));
      expect(await reader.getMeta("scores::doc-1")).toEqual(signature("scores::doc-1", 3));
      expect(await reader.getMeta("absent")).toBeUndefined();
    });

    it("does not wait for Redis in setMeta; flush() and close() do", async () => {
      const cache = cacheFor();
      const returned = cache.setMeta(signature("result")) as unknown;
      expect(returned).toBeUndefined();
      await cache.flush();
      expect(await raw.hexists(`${cache.prefix}meta`, "result")).toBe(1);
      const closing = cacheFor({ prefix: `${cache.prefix}closing:` });
      closing.setMeta(signature("late"));
      await closing.close();
      expect(await raw.hexists(`${cache.prefix}closing:meta`, "late")).toBe(1);
    });

    it("reads unreadable or foreign fields as absent", async () => {
      const cache = cacheFor();
      const meta = `${cache.prefix}meta`;
      const record = (value: unknown) => JSON.stringify({ format: "daft.signature", v: 1, signature: value });
      const fields: Record<string, string> = {
        garbage: "{not json",
        number: "42",
        otherFormat: JSON.stringify({ format: "something-else", v: 1, signature: signature("otherFormat") }),
        newerVersion: JSON.stringify({ format: "daft.signature", v: 2, signature: signature("newerVersion") }),
        timestampText: record({ ...signature("timestampText"), timestamp: "yesterday" }),
        hashNumber: record({ ...signature("hashNumber"), codeHash: 12 }),
        partsWrong: record({ ...signature("partsWrong"), parts: { inputs: { x: 1 } } }),
        partsArray: record({ ...signature("partsArray"), parts: [] }),
        otherNode: record(signature("someone-else")),
      };
      await raw.hset(meta, fields);
      for (const name of Object.keys(fields)) expect(await cache.getMeta(name), name).toBeUndefined();
      await raw.del(meta);
      await raw.set(meta, "a string, not a hash");
      expect(await cache.getMeta("result")).toBeUndefined();
    });

    it("refuses a malformed signature, and reports writes Redis refused at flush()", async () => {
      const cache = cacheFor();
      expect(() => cache.setMeta({ nodeName: 1 } as unknown as NodeSignature)).toThrow(TypeError);
      await raw.set(`${cache.prefix}meta`, "a string, not a hash");
      cache.setMeta(signature("a"));
      cache.setMeta(signature("b"));
      await expect(cache.flush()).rejects.toThrow(/2 signature write\(s\) to redis:\/\/127\.0\.0\.1:\d+ failed .*WRONGTYPE/);
      await expect(cache.flush()).resolves.toBeUndefined(); // reported once
    });
  });

  describe("batches", () => {
    it("sends the signature reads of one tick as one HMGET and the writes as one HSET", async () => {
      const cache = cacheFor();
      await raw.config("RESETSTAT");
      const names = Array.from({ length: 300 }, (_, i) => `scores::doc-${i}`);
      for (const name of names) cache.setMeta(signature(name, 7));
      await cache.flush();
      expect(await callsOf("hset")).toBe(1);
      const reader = readerOf(cache);
      const found = await Promise.all([...names, "absent"].map((name) => reader.getMeta(name)));
      expect(await callsOf("hmget")).toBe(1);
      expect(await callsOf("hget")).toBe(0);
      expect(found.slice(0, 300)).toEqual(names.map((name) => signature(name, 7)));
      expect(found[300]).toBeUndefined();
    });

    it("getMany answers thousands of keys in order with one MGET per 1,000, setMany in pipelines", async () => {
      const cache = cacheFor();
      const keys = Array.from({ length: 2500 }, (_, i) => `key-${i}`);
      const stored = await cache.setMany(keys.map((key, i) => ({ key, entry: entry({ i, tags: new Set([i]) }, `items::${i}`) })));
      expect(stored).toBeUndefined();
      await raw.config("RESETSTAT");
      const asked = [...keys, "absent", "key-7"];
      const found = await readerOf(cache).getMany(asked);
      expect(await callsOf("mget")).toBe(3);
      expect(await callsOf("get")).toBe(0);
      expect(found).toHaveLength(2502);
      found.slice(0, 2500).forEach((hit, i) => {
        expect(hit?.value).toEqual({ i, tags: new Set([i]) });
        expect(hit?.nodeName).toBe(`items::${i}`);
      });
      expect(found[2500]).toBeUndefined();
      expect(found[2501]?.value).toEqual({ i: 7, tags: new Set([7]) });
      expect(await cache.getMany([])).toEqual([]);
    });

    it("setMany stores what it can and returns an aligned error for each entry it could not", async () => {
      const cache = cacheFor();
      const writes = Array.from({ length: 1500 }, (_, i) => ({
        key: `k${i}`,
        entry: entry(i === 3 || i === 1200 ? { run: () => i } : i, `n::${i}`),
      }));
      const errors = await cache.setMany(writes);
      expect(errors).toHaveLength(1500);
      const failed = (errors as (Error | undefined)[]).flatMap((error, i) => (error ? [i] : []));
      expect(failed).toEqual([3, 1200]);
      expect(errors![3]).toBeInstanceOf(NotStorableError);
      expect(errors![3]!.message).toMatch(/node "n::3".*value\.run is a function/);
      const found = await cache.getMany(writes.map((write) => write.key));
      expect(found.map((hit) => hit?.value)).toEqual(writes.map((_, i) => (i === 3 || i === 1200 ? undefined : i)));
    });

    it("a write Redis refuses (out of memory) is not stored, with the server's reason, for setBlob and each entry of a batch", async () => {
      const small = await startRedis({ args: ["--maxmemory", "2mb", "--maxmemory-policy", "noeviction"] });
      try {
        for (const ttlSeconds of [undefined, 60]) {
          const cache = new RedisCache({ url: small.url, ...(ttlSeconds ? { ttlSeconds } : {}) });
          const big = (i: number) => entry(new Float64Array(16 * 1024).fill(i), `big::${i}`); // 128 KiB each
          const many = (from: number) => Array.from({ length: 30 }, (_, i) => ({ key: `big-${from + i}`, entry: big(from + i) }));
          const errors = await cache.setMany(many(100)); // 3.75 MiB in one command, over the 2 MiB limit
          expect(errors).toHaveLength(30);
          expect(errors!.every((error) => error instanceof NotStorableError)).toBe(true);
          expect(errors![0]!.message).toMatch(/Cannot store the result of node "big::100" in Redis at redis:\/\/127\.0\.0\.1:\d+: the server refused it: OOM/);
          const huge = entry(new Float64Array(384 * 1024), "huge"); // 3 MiB
          await expect(cache.setBlob("huge", huge)).rejects.toThrow(/Cannot store the result of node "huge" in Redis at .*: the server refused it: OOM/);
          await cache.close();
          const cleaner = new Redis(small.url);
          await cleaner.flushall();
          cleaner.disconnect();
        }
      } finally {
        await small.stop();
      }
    });

    it("refreshes the TTL of every hit of a batch, with one script call per 1,000 keys", async () => {
      const cache = cacheFor({ ttlSeconds: 100 });
      const keys = Array.from({ length: 2500 }, (_, i) => `key-${i}`);
      await cache.setMany(keys.map((key, i) => ({ key, entry: entry(i) })));
      await raw.expire(blobKey(cache, "key-0"), 5);
      await raw.expire(blobKey(cache, "key-2499"), 5);
      await raw.script("FLUSH"); // the server does not know the script yet: sent by source once
      await raw.config("RESETSTAT");
      const found = await cache.getMany([...keys, "absent"]);
      expect(found.map((hit) => hit?.value)).toEqual([...keys.map((_, i) => i), undefined]);
      expect(await callsOf("getex")).toBe(2501);
      expect((await callsOf("evalsha")) + (await callsOf("eval"))).toBeLessThanOrEqual(6);
      expect(await raw.ttl(blobKey(cache, "key-0"))).toBeGreaterThan(90);
      expect(await raw.ttl(blobKey(cache, "key-2499"))).toBeGreaterThan(90);
      expect((await cache.getMany(["key-1"]))[0]?.value).toBe(1); // now by SHA
    });
  });

  describe("prefixes and clear", () => {
    it("clear() removes exactly the keys under its prefix, taken literally, with SCAN and never KEYS", async () => {
      // Glob characters in a prefix must not let clear() reach "pa:" keys.
      const star = cacheFor({ prefix: "p*:" });
      const bracket = cacheFor({ prefix: "p[a]:" });
      const plain = cacheFor({ prefix: "pa:" });
      await star.setMany(Array.from({ length: 2500 }, (_, i) => ({ key: `s${i}`, entry: entry(i) })));
      star.setMeta(signature("result"));
      await star.flush();
      await bracket.setBlob(KEY, entry("bracket"));
      await plain.setBlob(KEY, entry("plain"));
      plain.setMeta(signature("result"));
      await plain.flush();
      await raw.set("unrelated", "keep me");

      await raw.config("RESETSTAT");
      await star.clear();
      expect(await callsOf("keys")).toBe(0);
      expect(await callsOf("scan")).toBeGreaterThan(1);
      expect(await raw.scan("0", "MATCH", "p\\*:*", "COUNT", 10_000).then(([, keys]) => keys)).toEqual([]);
      expect(await star.getBlob("s1")).toBeUndefined();
      expect(await star.getMeta("result")).toBeUndefined();

      await bracket.clear();
      expect(await bracket.getBlob(KEY)).toBeUndefined();
      expect((await plain.getBlob(KEY))?.value).toBe("plain");
      expect(await plain.getMeta("result")).toEqual(signature("result"));
      expect(await raw.get("unrelated")).toBe("keep me");
    });

    it("keeps caches with different prefixes apart", async () => {
      const a = cacheFor({ prefix: "team-a:" });
      const b = cacheFor({ prefix: "team-b:" });
      await a.setBlob(KEY, entry("a"));
      expect(await b.getBlob(KEY)).toBeUndefined();
      await b.setBlob(KEY, entry("b"));
      expect((await a.getBlob(KEY))?.value).toBe("a");
      expect((await b.getBlob(KEY))?.value).toBe("b");
    });
  });

  describe("TTL", () => {
    it("sets the TTL on writes and refreshes it on hits; without ttlSeconds nothing expires", async () => {
      const cache = cacheFor({ ttlSeconds: 100 });
      await cache.setBlob(KEY, entry(1));
      expect(await raw.ttl(blobKey(cache))).toBeGreaterThan(95);
      await raw.expire(blobKey(cache), 5);
      expect((await cache.getBlob(KEY))?.value).toBe(1);
      expect(await raw.ttl(blobKey(cache))).toBeGreaterThan(95);
      cache.setMeta(signature("result"));
      await cache.flush();
      expect(await raw.ttl(`${cache.prefix}meta`)).toBeGreaterThan(95);

      const forever = cacheFor();
      await forever.setBlob(KEY, entry(1));
      forever.setMeta(signature("result"));
      await forever.flush();
      expect(await raw.ttl(blobKey(forever))).toBe(-1);
      expect(await raw.ttl(`${forever.prefix}meta`)).toBe(-1);
    });

    it("an entry not used for ttlSeconds is gone", async () => {
      const cache = cacheFor({ ttlSeconds: 1 });
      await cache.setBlob(KEY, entry(1));
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(await cache.getBlob(KEY)).toBeUndefined();
    });
  });

  describe("connections", () => {
    it("Redis down: a RedisConnectionError naming the url and what to do, within the connect timeout, then at once", async () => {
      const port = await freePort();
      const cache = new RedisCache({ url: `redis://127.0.0.1:${port}` });
      const started = Date.now();
      const error = await cache.getBlob(KEY).then(() => undefined, (thrown: unknown) => thrown);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(RedisConnectionError);
      expect((error as Error).message).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port} (connect ECONNREFUSED`);
      expect((error as Error).message).toContain(`redis-server --port ${port}`);
      expect((error as Error).message).toContain("REDIS_URL");
      // The next operations do not try again for a moment: a dead server costs one attempt, not one per item.
      const again = Date.now();
      await expect(cache.getMany([KEY, "b"])).rejects.toBe(error);
      const errors = await cache.setMany([{ key: KEY, entry: entry(1) }]);
      expect(errors?.[0]).toBe(error);
      expect(Date.now() - again).toBeLessThan(100);
      await cache.close();
    });

    it("masks a password in the url in every message", async () => {
      const port = await freePort();
      const cache = new RedisCache({ url: `redis://someone:s3cret@127.0.0.1:${port}` });
      expect(cache.server).toBe(`redis://someone:***@127.0.0.1:${port}`);
      const error = await cache.getBlob(KEY).then(() => undefined, (thrown: unknown) => thrown as Error);
      expect(error?.message).toContain("someone:***@");
      expect(error?.message).not.toContain("s3cret");
      expect(() => new RedisCache({ url: "http://someone:s3cret@host" })).toThrow(/someone:\*\*\*@host/);
      await cache.close();
    });

    it("through a runner, Redis down warns once with the url and the run still returns its results", async () => {
      const port = await freePort();
      const cache = new RedisCache({ url: `redis://127.0.0.1:${port}` });
      const double = func({ output: "doubled", mapAxis: "x", cache: true }, ({ x }: { x: number }) => x * 2);
      const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: cache, verbose: false } });
      const warnings: string[] = [];
      // The node is declared here, in a file that imports daft's source by path: it also says it has no build info.
      const onWarning = (warning: Error & { code?: string }) => warning.code !== "DAFT_NO_BUILD_INFO" && warnings.push(warning.message);
      process.on("warning", onWarning);
      try {
        const result = await runner.run(new Pipeline({ functions: [double] }), { x: Array.from({ length: 200 }, (_, i) => i) });
        await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
        expect(result.doubled[199]).toBe(398);
        expect(runner.stats.notStored).toBe(200);
      } finally {
        process.off("warning", onWarning);
      }
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(2); // one per connect attempt (at most one a second)
      expect(warnings[0]).toContain(`cache lookup failed, computing instead: Cannot connect to Redis at redis://127.0.0.1:${port}`);
      await cache.close();
    });

    it("connects again after the server comes back", async () => {
      const own = await startRedis();
      const cache = new RedisCache({ url: own.url });
      try {
        await cache.setBlob(KEY, entry("before"));
        await own.stop();
        await expect(cache.getBlob(KEY)).rejects.toBeInstanceOf(RedisConnectionError);
        const back = await startRedis({ port: own.port });
        try {
          await new Promise((resolve) => setTimeout(resolve, 1100)); // past the pause after a failure
          expect(await cache.getBlob(KEY)).toBeUndefined(); // a fresh server, without persistence
          await cache.setBlob(KEY, entry("after"));
          expect((await cache.getBlob(KEY))?.value).toBe("after");
        } finally {
          await cache.close();
          await back.stop();
        }
      } finally {
        await own.stop();
      }
    });

    it("close() quits the connection it opened and refuses further use", async () => {
      const cache = new RedisCache({ url: server.url, prefix: "closing:" });
      await cache.setBlob(KEY, entry(1));
      await cache.close();
      expect(cache.client.status).toBe("end");
      await expect(cache.getBlob(KEY)).rejects.toThrow(/is closed/);
      await cache.close(); // twice is fine
    });

    it("leaves a client it was given open", async () => {
      const client = new Redis(server.url);
      try {
        const cache = new RedisCache({ client, prefix: "given:" });
        expect(cache.server).toBe(`redis://127.0.0.1:${server.port}`);
        await cache.setBlob(KEY, entry("given"));
        cache.setMeta(signature("result"));
        await cache.close();
        expect(client.status).toBe("ready");
        expect(await client.ping()).toBe("PONG");
        expect(await client.hexists("given:meta", "result")).toBe(1);
      } finally {
        client.disconnect();
      }
    });

    it("opens nothing until first used, and reads REDIS_URL when no url is given", async () => {
      const saved = process.env.REDIS_URL;
      try {
        delete process.env.REDIS_URL;
        expect(new RedisCache().server).toBe("redis://127.0.0.1:6379");
        process.env.REDIS_URL = server.url;
        const cache = new RedisCache({ prefix: "from-env:" });
        expect(cache.server).toBe(server.url);
        expect(cache.client.status).toBe("wait");
        await cache.setBlob(KEY, entry(1));
        expect(cache.client.status).toBe("ready");
        await cache.close();
      } finally {
        if (saved === undefined) delete process.env.REDIS_URL;
        else process.env.REDIS_URL = saved;
      }
    });

    it("checks its options", () => {
      const client = new Redis(server.url, { lazyConnect: true });
      // @ts-expect-error one or the other, also for the type checker
      expect(() => new RedisCache({ url: server.url, client })).toThrow(/either url or client/);
      expect(() => new RedisCache({ url: "localhost:6379" })).toThrow(/url must look like redis:\/\/host:6379/);
      expect(() => new RedisCache({ prefix: "" })).toThrow(/prefix must be a non-empty string/);
      for (const ttlSeconds of [0, -1, 1.5, Number.NaN, "10" as unknown as number]) {
        expect(() => new RedisCache({ ttlSeconds }), String(ttlSeconds)).toThrow(/ttlSeconds must be a whole number/);
      }
      expect(() => new RedisCache({ client: {} as Redis })).toThrow(/client must be an ioredis Redis instance/);
      client.disconnect();
    });
  });
});
