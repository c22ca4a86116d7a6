/**
 * The README's Redis backend, run as written against a real redis-server on loopback: results
 * written by one process are hits in another, an unserialisable value is reported as not
 * stored, and clear() empties the prefix.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, makeTempDir, removeTempDirs, repoRoot, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { readmeCodeBlocks } from "../helpers/readme.js";

let server: ChildProcess | undefined;
let port = 0;
let project: FixtureCopy;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port: chosen } = probe.address() as { port: number };
      probe.close(() => resolve(chosen));
    });
  });
}

async function startRedis(): Promise<void> {
  port = await freePort();
  const dir = makeTempDir("daft-redis-");
  server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    server!.on("error", (error) => reject(new Error(`redis-server could not start (install the redis-server package): ${error.message}`)));
    server!.stdout!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) resolve();
    });
    server!.on("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${log}`)));
  });
}

beforeAll(async () => {
  await startRedis();
  // The README's backend, types stripped, as a module of a small project that links daft.
  const [backendSource] = readmeCodeBlocks("ts").filter((block) => block.includes("class RedisCache"));
  if (!backendSource) throw new Error("README has no RedisCache example");
  project = copyFixture("node-script");
  const js = ts.transpileModule(backendSource, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(project.dir, "redis-cache.mjs"), js);
  // The project uses this repository's ioredis, as an installed dependency would be.
  symlinkSync(join(repoRoot, "node_modules", "ioredis"), join(project.dir, "node_modules", "ioredis"), "dir");
  writeFileSync(
    join(project.dir, "redis-run.mjs"),
    `import Redis from "ioredis";
import { func, Pipeline, Runner } from "daft";
import { RedisCache } from "./redis-cache.mjs";
const backend = new RedisCache(new Redis(process.env.REDIS_URL));
let calls = 0;
const square = func({ output: "squares", mapAxis: "n", cache: true }, ({ n }) => { calls++; return { n, square: n * n, at: new Map([[n, new Date(0)]]) }; });
const makeFn = func({ output: "fn", cache: true }, ({ factor }) => (x) => x * factor);
const pipeline = new Pipeline({ functions: [square, makeFn] });
const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend, verbose: false } });
const out = await runner.run(pipeline, { n: [1, 2, 3], factor: 2 });
if (process.argv[2] === "clear") await backend.clear();
console.log(JSON.stringify({ calls, hits: runner.stats.hits, misses: runner.stats.misses, notStored: runner.stats.notStored,
  squares: out.squares.map((s) => s.square), mapOk: out.squares.every((s) => s.at instanceof Map), fn: out.fn(21),
  reasons: runner.stats.events.map((e) => e.notStoredReason ?? null) }));
await backend.redis.quit();
`,
  );
});

afterAll(() => {
  server?.kill("SIGTERM");
  removeTempDirs();
});

describe("README Redis backend against a real Redis server", () => {
  const run = async (...args: string[]) => {
    const result = await runNode(["redis-run.mjs", ...args], {
      cwd: project.dir,
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` },
    });
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  it("stores results one process reads in another, and reports what it cannot store", async () => {
    const first = await run();
    expect(first).toMatchObject({ calls: 3, hits: 0, misses: 4, notStored: 1, squares: [1, 4, 9], mapOk: true, fn: 42 });
    expect((first.reasons as (string | null)[]).filter(Boolean)[0]).toMatch(/could not be cloned|serializ/i);
    const second = await run();
    // The three squares are hits; the function is computed again, as it was never stored.
    expect(second).toMatchObject({ calls: 0, hits: 3, misses: 1, squares: [1, 4, 9], mapOk: true, fn: 42 });
  });

  it("clears everything under its prefix", async () => {
    await run("clear");
    const after = await run();
    expect(after).toMatchObject({ calls: 3, hits: 0 });
  });
});
