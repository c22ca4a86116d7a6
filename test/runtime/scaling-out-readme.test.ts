/**
 * The README's "Scaling out" examples, copied from the README into a TypeScript project (tsx,
 * the daft loader) and run as they are: threads, then two `daft worker` processes and a
 * distributed run against a real redis-server.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/cli.js";
import { linkDaft, makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { startDaftWorker, type WorkerProcess } from "../helpers/parallel-project.js";
import { readmeCodeBlocks } from "../helpers/readme.js";
import { redisUnavailable } from "../helpers/redis-availability.js";
import { startRedis } from "../helpers/redis-server.js";

function readmeBlock(firstLine: string): string {
  const block = readmeCodeBlocks("ts").find((text) => text.startsWith(firstLine));
  if (!block) throw new Error(`README has no ts block starting with ${firstLine}`);
  return block;
}

function readmeProject(): string {
  const dir = makeTempDir("daft-scaling-out-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scaling-out", private: true, type: "module" }));
  mkdirSync(join(dir, "src"));
  for (const file of ["src/nodes.ts", "src/main-threads.ts", "src/main.ts"]) writeFileSync(join(dir, file), readmeBlock(`// ${file}`));
  linkDaft(dir);
  symlinkSync(join(repoRoot, "node_modules", "tsx"), join(dir, "node_modules", "tsx"), "dir");
  return dir;
}

const runTs = (dir: string, file: string, env: Record<string, string> = {}) =>
  runNode(["--import", "daft/loader", "--import", "tsx", file], { cwd: dir, env: childEnv(env) });

afterAll(() => removeTempDirs());

describe("README, Scaling out", () => {
  it("the threads example runs its node on worker threads", async () => {
    const dir = readmeProject();
    const { stdout } = await runTs(dir, "src/main-threads.ts");
    expect(stdout).toMatch(/^2 \[ 'thread \d+', 'thread \d+' \]/);
  });

  it.skipIf(redisUnavailable())("the distributed quick start: two daft workers, a run, a second run", async () => {
    const dir = readmeProject();
    const redis = await startRedis();
    const workers: WorkerProcess[] = [];
    try {
      for (let i = 0; i < 2; i++) workers.push(await startDaftWorker(dir, ["src/nodes.ts"], ["--redis", redis.url]));
      const first = await runTs(dir, "src/main.ts", { REDIS_URL: redis.url });
      expect(first.stdout.trim()).toBe("2");
      const second = await runTs(dir, "src/main.ts", { REDIS_URL: redis.url });
      expect(second.stdout.trim()).toBe("2");
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await redis.stop();
    }
  });
});
