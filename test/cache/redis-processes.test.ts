/**
 * `daft/redis` as users get it (the built package, linked into a project) in real processes
 * against a real redis-server: results written by one process are hits in another, processes
 * exit by themselves (with and without `close()`), Redis down is a quick, clear warning, ioredis
 * is loaded only by `daft/redis`, its types compile under NodeNext, and the README's example runs
 * as written.
 */
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, removeTempDirs, repoRoot, type FixtureCopy } from "../helpers/fixture.js";
import { runNode, runProcess } from "../helpers/node-process.js";
import { otherNode } from "../helpers/other-nodes.js";
import { readmeCodeBlocks } from "../helpers/readme.js";
import { redisUnavailable } from "../helpers/redis-availability.js";
import { freePort, startRedis, type RedisServer } from "../helpers/redis-server.js";

/** The README's RedisCache example, as users copy it. */
const readmeExample = readmeCodeBlocks("ts").find((block) => block.includes('from "daft/redis"'));

/** A pipeline run through RedisCache; prints what happened as JSON. CLOSE=no forgets close(). */
const RUN_SCRIPT = `
import { func, Pipeline, Runner } from "daft";
import { RedisCache } from "daft/redis";
const cache = new RedisCache({ url: process.env.REDIS_URL, prefix: process.env.PREFIX });
let calls = 0;
const square = func({ output: "squares", mapAxis: "n", cache: true }, ({ n }) => {
  calls++;
  return { n, square: n * n, at: new Map([[n, new Date(n)]]) };
});
const total = func({ output: "total", cache: true }, ({ squares }) => squares.reduce((sum, s) => sum + s.square, 0));
const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: cache, verbose: false } });
const out = await runner.run(new Pipeline({ functions: [square, total] }), { n: [1, 2, 3, 4, 5] });
console.log(JSON.stringify({
  calls, hits: runner.stats.hits, misses: runner.stats.misses, notStored: runner.stats.notStored,
  squares: out.squares.map((s) => s.square), total: out.total,
  mapsOk: out.squares.every((s) => s.at instanceof Map && s.at.get(s.n) instanceof Date),
}));
if (process.env.CLOSE !== "no") await cache.close();
`;

describe.skipIf(redisUnavailable())("daft/redis in real processes", () => {
  let server: RedisServer;
  let project: FixtureCopy;

  beforeAll(async () => {
    server = await startRedis();
    project = copyFixture("node-script");
    // The project has ioredis and Node's types, as a TypeScript user of daft/redis would.
    symlinkSync(join(repoRoot, "node_modules", "ioredis"), project.path("node_modules/ioredis"), "dir");
    symlinkSync(join(repoRoot, "node_modules", "@types"), project.path("node_modules/@types"), "dir");
    project.write("run.mjs", RUN_SCRIPT);
  });

  afterAll(async () => {
    await server?.stop();
    removeTempDirs();
  });

  const run = async (env: Record<string, string>, timeoutMs = 30_000) => {
    const started = Date.now();
    const result = await runProcess(process.execPath, ["--import", "daft/loader", "run.mjs"], {
      cwd: project.dir,
      env: { ...process.env, REDIS_URL: server.url, ...env },
      timeoutMs,
    });
    return { ...result, seconds: (Date.now() - started) / 1000 };
  };

  it("one process stores through a runner, another process gets all hits, and each exits after close()", async () => {
    const first = await run({ PREFIX: "two-processes:" });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ calls: 5, hits: 0, misses: 6, notStored: 0, squares: [1, 4, 9, 16, 25], total: 55, mapsOk: true });
    const second = await run({ PREFIX: "two-processes:" });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ calls: 0, hits: 6, misses: 0, notStored: 0, squares: [1, 4, 9, 16, 25], total: 55, mapsOk: true });
  });

  it("processes on Node 20, 22 and 24 share results: each reads what another wrote", async () => {
    const nodes = [process.execPath, await otherNode(22), await otherNode(24)];
    const runOn = async (node: string) => {
      const result = await runProcess(node, ["--import", "daft/loader", "run.mjs"], { cwd: project.dir, env: { ...process.env, REDIS_URL: server.url, PREFIX: "node-versions:" } });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { calls: number; hits: number; squares: number[]; mapsOk: boolean };
    };
    expect(await runOn(nodes[2]!)).toMatchObject({ calls: 5, squares: [1, 4, 9, 16, 25], mapsOk: true }); // Node 24 writes
    expect(await runOn(nodes[0]!)).toMatchObject({ calls: 0, hits: 6, squares: [1, 4, 9, 16, 25], mapsOk: true }); // Node 20 reads
    expect(await runOn(nodes[1]!)).toMatchObject({ calls: 0, hits: 6, squares: [1, 4, 9, 16, 25], mapsOk: true }); // Node 22 reads
  });

  it("a process that forgets close() still exits by itself when its work is done", async () => {
    const forgot = await run({ PREFIX: "forgot-close:", CLOSE: "no" }, 20_000);
    expect(forgot.signal).toBeNull(); // not killed by the timeout
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(JSON.parse(forgot.stdout)).toMatchObject({ calls: 5, misses: 6 });
    const again = await run({ PREFIX: "forgot-close:", CLOSE: "no" }, 20_000);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ calls: 0, hits: 6 });
  });

  it("Redis down: the run completes quickly with a warning naming the url and what to do", async () => {
    const port = await freePort();
    const down = await run({ PREFIX: "down:", REDIS_URL: `redis://127.0.0.1:${port}` }, 20_000);
    expect(down.code, down.stderr).toBe(0);
    expect(down.seconds).toBeLessThan(10);
    expect(JSON.parse(down.stdout)).toMatchObject({ calls: 5, squares: [1, 4, 9, 16, 25], notStored: 6 });
    expect(down.stderr).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port}`);
    expect(down.stderr).toContain(`redis-server --port ${port}`);
  });

  it("loads ioredis only when daft/redis is imported", async () => {
    project.write(
      "what-loads.mjs",
      `import { createRequire } from "node:module";
import "daft";
const ioredisLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("/node_modules/ioredis/"));
const before = ioredisLoaded();
await import("daft/redis");
console.log(JSON.stringify({ before, after: ioredisLoaded() }));
`,
    );
    const result = await runNode(["what-loads.mjs"], { cwd: project.dir });
    expect(JSON.parse(result.stdout)).toEqual({ before: false, after: true });
  });

  it("type-checks for users under moduleResolution NodeNext (url or client, not both), and so does the README's example", () => {
    project.write(
      "typed.ts",
      `import { Redis } from "ioredis";
import { CacheConfig, NotStorableError, Runner, type CacheBackend } from "daft";
import { RedisCache, RedisConnectionError, type RedisCacheOptions } from "daft/redis";

const options: RedisCacheOptions = { url: "redis://127.0.0.1:6379", prefix: "app:", ttlSeconds: 3600 };
const backend: CacheBackend = new RedisCache(options);
const shared = new RedisCache({ client: new Redis("redis://127.0.0.1:6379") });
const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend }) });
// @ts-expect-error url and client exclude each other
new RedisCache({ url: "redis://127.0.0.1:6379", client: new Redis() });
export async function check(error: unknown): Promise<string> {
  await shared.close();
  void runner;
  if (error instanceof RedisConnectionError) return error.server;
  return error instanceof NotStorableError ? "not stored" : "other";
}
`,
    );
    expect(readmeExample, "a ts block of the README that imports daft/redis").toBeDefined();
    project.write("readme-example.ts", `${readmeExample!}\nexport {};\n`);
    expect(typeCheck(project, ["typed.ts", "readme-example.ts"])).toEqual([]);
  }, 180_000);

  it("runs the README's example as written: misses in one process, hits in the next", async () => {
    const js = ts.transpileModule(readmeExample!, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(project.path("readme-example.mjs"), js);
    const env = { ...process.env, REDIS_URL: server.url };
    const first = await runNode(["--import", "daft/loader", "readme-example.mjs"], { cwd: project.dir, env });
    expect(first.stdout.trim()).toBe("[ 2, 1 ]");
    expect(first.stderr).toContain("[CACHE] words: 2 ✗ MISS");
    const second = await runNode(["--import", "daft/loader", "readme-example.mjs"], { cwd: project.dir, env });
    expect(second.stdout.trim()).toBe("[ 2, 1 ]");
    expect(second.stderr).toContain("[CACHE] words: 2 ✓ HIT");
  });
});

/** `tsc --noEmit` of `files` in `project` with NodeNext settings; the diagnostics as text. */
function typeCheck(project: FixtureCopy, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((file) => project.path(file)),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      // As most projects set it: the users' files are checked against daft's and ioredis's
      // declarations (resolution, default-import interop, option types), not those files' insides.
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [project.path("node_modules/@types")],
    },
  );
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  });
}
