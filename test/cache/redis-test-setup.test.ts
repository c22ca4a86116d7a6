/**
 * `npm test` on a machine without redis-server: the global setup installs it when it can
 * (root or passwordless sudo, with apt-get), else the Redis tests are skipped with the reason
 * printed, or fail the run when `DAFT_TEST_REQUIRE_REDIS=1`. The real cases run vitest itself in
 * a child process with a PATH that has no redis-server.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureHandle, makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runProcess } from "../helpers/node-process.js";
import { planRedisServer, type RedisProbe } from "../helpers/redis-provision.js";
import { findRedisServer, startRedis } from "../helpers/redis-server.js";
import { redisUnavailable } from "../helpers/redis-availability.js";
import { connect } from "node:net";

afterAll(removeTempDirs);

describe("planning for redis-server", () => {
  const missing: RedisProbe = { binary: undefined, isRoot: false, hasSudo: false, hasAptGet: true, noInstall: false };

  it("uses the one found, installs with apt-get as root or with passwordless sudo, else says why not", () => {
    expect(planRedisServer({ ...missing, binary: "/usr/bin/redis-server" })).toEqual({ kind: "ready", binary: "/usr/bin/redis-server" });
    expect(planRedisServer({ ...missing, isRoot: true })).toEqual({ kind: "install", command: ["apt-get"] });
    expect(planRedisServer({ ...missing, hasSudo: true })).toEqual({ kind: "install", command: ["sudo", "-n", "apt-get"] });
    const cases: Array<[RedisProbe, RegExp]> = [
      [missing, /installing it needs root \(not root, no passwordless sudo\)/],
      [{ ...missing, isRoot: true, hasAptGet: false }, /apt-get is not available/],
      [{ ...missing, isRoot: true, noInstall: true }, /DAFT_TEST_NO_INSTALL is set/],
    ];
    for (const [probe, reason] of cases) {
      const plan = planRedisServer(probe);
      expect(plan.kind).toBe("unavailable");
      expect(plan.kind === "unavailable" && plan.reason).toMatch(reason);
      expect(plan.kind === "unavailable" && plan.reason).toMatch(/apt-get install redis-server.*brew install redis.*DAFT_REDIS_SERVER/);
    }
  });
});

describe("npm test without redis-server", () => {
  /** vitest on one Redis test, with `extraBin` as the whole PATH (node is run by its path; the PATH's usual folders may hold redis-server). */
  const vitestWithout = (extraBin: string, env: Record<string, string> = {}) => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && !name.startsWith("DAFT_TEST_") && name !== "DAFT_REDIS_SERVER"),
    );
    return runProcess(
      process.execPath,
      [join(repoRoot, "node_modules/vitest/vitest.mjs"), "run", "test/cache/redis-cache.test.ts", "-t", "keeps caches with different prefixes apart"],
      { cwd: repoRoot, env: { ...inherited, PATH: extraBin, NO_COLOR: "1", ...env }, timeoutMs: 120_000 },
    );
  };

  it("skips the Redis tests and prints why, before and after the run, when it cannot install redis-server", async () => {
    const result = await vitestWithout(makeTempDir("daft-empty-bin-"));
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(0);
    const banner = "[daft tests] SKIPPING the Redis tests: redis-server not found and apt-get is not available to install it";
    expect(output.split(banner).length - 1).toBe(2);
    expect(output).toMatch(/Tests\s+\d+ skipped/);
    expect(output).not.toMatch(/\d+ passed/);
  });

  it("fails instead of skipping when DAFT_TEST_REQUIRE_REDIS=1 (as in CI)", async () => {
    const result = await vitestWithout(makeTempDir("daft-empty-bin-"), { DAFT_TEST_REQUIRE_REDIS: "1" });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("The Redis tests must run here (DAFT_TEST_REQUIRE_REDIS=1), but redis-server not found");
  });

  // apt-get itself is the one thing replaced: a script that records its arguments and "installs"
  // by linking this machine's redis-server into its folder, which is then on the PATH.
  it.runIf(process.getuid?.() === 0 && findRedisServer() !== undefined)("as root, installs redis-server with apt-get, then runs the Redis tests", async () => {
    const bin = fixtureHandle(makeTempDir("daft-apt-bin-"));
    bin.write(
      "apt-get",
      `#!/bin/sh
echo "$@" >> "${bin.path("apt-get.log")}"
if [ "$1" = install ]; then /bin/ln -s "${findRedisServer()!}" "${bin.path("redis-server")}"; fi
`,
    );
    chmodSync(bin.path("apt-get"), 0o755);
    const result = await vitestWithout(bin.dir);
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(0);
    expect(readFileSync(bin.path("apt-get.log"), "utf8").trim().split("\n")).toEqual(["--version", "update -qq", "install -y -qq --no-install-recommends redis-server"]);
    expect(output).toContain("[daft tests] redis-server not found: installing it with apt-get");
    expect(output).toMatch(/Tests\s+1 passed/);
  });
});

describe.skipIf(redisUnavailable())("the redis-server test helper", () => {
  // Whether a Redis server answers PING on the port. Once ours has stopped, another test's server
  // (an HTTP server, say) may take the freed port and never reply to a bare PING: silence for
  // 2 s is no Redis answering, where a Redis server replies in well under a millisecond.
  const answers = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.setTimeout(2_000, () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(false));
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (reply) => {
        socket.destroy();
        resolve(reply.toString().startsWith("+PONG"));
      });
    });

  it("starts a private server on a free loopback port and stops it", async () => {
    const server = await startRedis();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await answers(server.port)).toBe(true);
    await server.stop();
    expect(await answers(server.port)).toBe(false);
    await server.stop(); // twice is fine
  });

  it("says why a server cannot start (its port is taken)", async () => {
    const server = await startRedis();
    try {
      await expect(startRedis({ port: server.port })).rejects.toThrow(/exited .* before answering PING:[\s\S]*Address already in use/);
    } finally {
      await server.stop();
    }
  });

  it("stops the server when the process that started it is killed without cleaning up", async () => {
    const script = `import { tsImport } from "tsx/esm/api";
const { startRedis } = await tsImport("./test/helpers/redis-server.ts", import.meta.url);
const server = await startRedis();
console.log(server.port);
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString())));
      child.once("exit", (code, signal) => reject(new Error(`the process starting redis-server ended first (${signal ?? code})`)));
    });
    expect(await answers(port)).toBe(true);
    child.kill("SIGKILL");
    await once(child, "exit");
    const deadline = Date.now() + 10_000;
    while ((await answers(port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await answers(port)).toBe(false);
  });
});
