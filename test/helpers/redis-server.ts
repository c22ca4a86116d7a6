/**
 * A real, private `redis-server` for tests and benchmarks: started on a free loopback port with
 * no persistence and its own temp directory, ready once it answers (and is the one started: its
 * directory is checked), stopped (and its folder removed) by `stop()` or, at the latest, when
 * this process exits or dies.
 *
 *   const redis = await startRedis();      // { url: "redis://127.0.0.1:40123", port, host, stop }
 *   ...
 *   await redis.stop();
 *
 * The binary is `DAFT_REDIS_SERVER` when set, else `redis-server` on the PATH. Independent of
 * vitest, so benchmarks load it too (bench scripts import it through tsx).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  /** What the server printed so far (for failure messages). */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Extra `redis-server` arguments, e.g. `["--maxmemory", "1mb"]`. */
  args?: string[];
  /** How long to wait for the first PONG. Default 15 s. */
  readyTimeoutMs?: number;
  /** A given port (e.g. to restart a stopped server where its clients expect it); default: a free one. */
  port?: number;
}

const HOST = "127.0.0.1";

/** The `redis-server` binary this machine has, or undefined. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.DAFT_REDIS_SERVER;
  if (given) return isExecutable(given) ? given : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "redis-server");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `sh -c GUARD redis-server args…`: starts the server (its stdin /dev/null), keeps this shell's
 * stdin on fd 3 for a reader that kills the server at end of input, and exits with the server's
 * status. The reader's input must be redirected explicitly: a background job's stdin is
 * /dev/null otherwise.
 */
const GUARD = 'exec 3<&0; "$0" "$@" </dev/null & server=$!; { read -r _ <&3; kill "$server" 2>/dev/null; } & wait "$server"';

/** The guard shell and the server are a process group of their own (detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills servers a test forgot to stop (or left behind by a failing `beforeAll`) when this process exits. */
function killOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) killGroup(child, "SIGKILL");
  });
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) {
    throw new Error("redis-server not found: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set DAFT_REDIS_SERVER to its path");
  }
  // The free port is found by binding port 0 and closing it; another process can take it in
  // between, so a server that cannot bind is started again on another port.
  if (options.port !== undefined) return startOn(binary, options.port, options);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await startOn(binary, await freePort(), options);
    } catch (error) {
      lastError = error;
      if (!/Address already in use|bind/i.test((error as Error).message)) throw error;
    }
  }
  throw lastError;
}

async function startOn(binary: string, port: number, options: StartRedisOptions): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "daft-redis-"));
  const args = ["--port", String(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", ...(options.args ?? [])];
  // The server runs under a small shell that stops it when its standard input closes: when
  // stop() ends it, and also when this process dies without cleaning up (a test killed by its
  // timeout, a worker terminated), so no server outlives the test run on a shared machine.
  const child = spawn("/bin/sh", ["-c", GUARD, binary, ...args], { stdio: ["pipe", "pipe", "pipe"], detached: true });
  killOnExit();
  running.add(child);
  let log = "";
  const append = (chunk: Buffer) => {
    if (log.length < 64_000) log += chunk.toString();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => running.delete(child));

  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end(); // the guard sends SIGTERM to the server
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    await waitForServer(port, realpathSync(dir), child, () => log, options.readyTimeoutMs ?? 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://${HOST}:${port}`, host: HOST, port, log: () => log, stop };
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Polls until the server on `port` answers as ours (its working directory is `dir`: another
 * server already on that port would answer PING too), it exits, or time runs out.
 */
async function waitForServer(port: number, dir: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`redis-server could not be started: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}) before answering PING:\n${log()}`);
    }
    if (await answersFrom(port, dir)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${log()}`);
}

/** Whether a raw `CONFIG GET dir` on `port` answers with `dir`. */
function answersFrom(port: number, dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("CONFIG GET dir\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes(dir)) done(true);
      else if (reply.startsWith("-") || reply.split("\r\n").length > 5) done(false);
    });
  });
}
