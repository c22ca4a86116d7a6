/**
 * Making sure the test run has a `redis-server`, before any test starts (vitest's global setup
 * calls `provisionRedisServer`):
 * - found (`DAFT_REDIS_SERVER` or the PATH): nothing to do;
 * - missing, on a machine where Debian packages can be installed without a password (root, or
 *   passwordless sudo, with apt-get): installed with apt-get, saying so;
 * - otherwise: the Redis tests are skipped, with the reason and what to do printed before and
 *   after the run, unless `DAFT_TEST_REQUIRE_REDIS=1` (CI), which fails the run instead.
 * `DAFT_TEST_NO_INSTALL=1` skips rather than install.
 */
import { spawnSync } from "node:child_process";
import { findRedisServer } from "./redis-server.js";

export interface RedisProbe {
  binary: string | undefined;
  isRoot: boolean;
  /** `sudo -n` works (no password needed). */
  hasSudo: boolean;
  hasAptGet: boolean;
  noInstall: boolean;
}

export type RedisPlan =
  | { kind: "ready"; binary: string }
  | { kind: "install"; command: string[] }
  | { kind: "unavailable"; reason: string };

const HOW_TO_INSTALL = "install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set DAFT_REDIS_SERVER to its path";

export function planRedisServer(probe: RedisProbe): RedisPlan {
  if (probe.binary) return { kind: "ready", binary: probe.binary };
  if (probe.noInstall) return { kind: "unavailable", reason: `redis-server not found (DAFT_TEST_NO_INSTALL is set, so it was not installed): ${HOW_TO_INSTALL}` };
  if (!probe.hasAptGet) return { kind: "unavailable", reason: `redis-server not found and apt-get is not available to install it: ${HOW_TO_INSTALL}` };
  if (!probe.isRoot && !probe.hasSudo) {
    return { kind: "unavailable", reason: `redis-server not found, and installing it needs root (not root, no passwordless sudo): ${HOW_TO_INSTALL}` };
  }
  return { kind: "install", command: [...(probe.isRoot ? [] : ["sudo", "-n"]), "apt-get"] };
}

export function probeRedisServer(env: NodeJS.ProcessEnv = process.env): RedisProbe {
  const succeeds = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: "ignore", env });
    return result.error === undefined && result.status === 0;
  };
  const binary = findRedisServer(env);
  const isRoot = process.getuid?.() === 0;
  return {
    binary,
    isRoot,
    hasSudo: !binary && !isRoot && succeeds("sudo", ["-n", "true"]),
    hasAptGet: !binary && succeeds("apt-get", ["--version"]),
    noInstall: env.DAFT_TEST_NO_INSTALL === "1",
  };
}

/** Finds or installs redis-server; resolves to its path, or to why the Redis tests cannot run. */
export function provisionRedisServer(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): { binary: string } | { reason: string } {
  const plan = planRedisServer(probeRedisServer(env));
  if (plan.kind === "ready") return { binary: plan.binary };
  if (plan.kind === "unavailable") return { reason: plan.reason };
  log("redis-server not found: installing it with apt-get for the Redis tests (DAFT_TEST_NO_INSTALL=1 skips them instead)…");
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  const [command, ...prefix] = plan.command;
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", "redis-server"]]) {
    const result = spawnSync(command!, [...prefix, ...args], { env: aptEnv, encoding: "utf8" });
    if (result.error || result.status !== 0) {
      const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n").slice(-5).join("\n");
      return { reason: `redis-server not found, and apt-get ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`}): ${output}\n${HOW_TO_INSTALL}` };
    }
  }
  const binary = findRedisServer(env);
  if (!binary) return { reason: `apt-get installed redis-server, but it is not on the PATH: ${HOW_TO_INSTALL}` };
  log(`installed ${binary}`);
  return { binary };
}
