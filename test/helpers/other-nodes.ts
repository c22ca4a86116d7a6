/**
 * Other Node.js versions for tests that must hold on every supported line: Node 22 and 24 next
 * to the Node running the tests (20). The binaries come from the npm registry's
 * `node-<platform>-<arch>` packages, installed on first use into
 * `node_modules/.cache/daft-test-nodes/<major>` of this repository and reused afterwards.
 * Several test files may ask at once: the install runs under a file lock (`flock`), and a
 * version counts as installed only once its binary has answered `--version`.
 *
 * `DAFT_TEST_NODE_22=/path/to/node` (or `_24`) uses a binary already on the machine instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./fixture.js";
import { runProcess } from "./node-process.js";

export type OtherMajor = 22 | 24;

export const OTHER_NODE_MAJORS: readonly OtherMajor[] = [22, 24];

const installRoot = join(repoRoot, "node_modules", ".cache", "daft-test-nodes");

function packageName(): string {
  const platform = process.platform === "win32" ? "win" : process.platform;
  return `node-${platform}-${process.arch}`;
}

function binaryIn(dir: string): string {
  const pkg = join(dir, "node_modules", packageName());
  return process.platform === "win32" ? join(pkg, "bin", "node.exe") : join(pkg, "bin", "node");
}

function majorOf(binary: string): number {
  const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  return Number(/^v(\d+)\./.exec(version)?.[1]);
}

/** Path of a Node `major` binary, installing it first if needed (can take a minute once). */
export async function otherNode(major: OtherMajor): Promise<string> {
  const given = process.env[`DAFT_TEST_NODE_${major}`];
  if (given) {
    if (majorOf(given) !== major) throw new Error(`DAFT_TEST_NODE_${major}=${given} is not Node ${major}`);
    return given;
  }
  const dir = join(installRoot, String(major));
  const binary = binaryIn(dir);
  const marker = join(dir, "installed.txt");
  if (existsSync(marker) && readFileSync(marker, "utf8") === binary && existsSync(binary)) return binary;

  mkdirSync(dir, { recursive: true });
  // A package.json of its own, or npm would install into the nearest project above (this one).
  if (!existsSync(join(dir, "package.json"))) writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
  // One installer at a time per version; whoever waited finds the marker and skips the install.
  const install = `npm install --prefix . --no-save --no-package-lock --no-audit --no-fund --loglevel=error ${packageName()}@${major}`;
  const script = `test -f installed.txt || { ${install} && "$1" --version >/dev/null && printf %s "$1" > installed.txt; }`;
  const result = await runProcess("flock", [join(dir, ".lock"), "sh", "-c", script, "sh", binary], { cwd: dir, timeoutMs: 600_000 });
  if (result.code !== 0 || !existsSync(binary)) {
    throw new Error(`installing Node ${major} (${packageName()}@${major}) with npm failed:\n${result.stdout}\n${result.stderr}`);
  }
  if (majorOf(binary) !== major) throw new Error(`npm installed ${packageName()}@${major} but ${binary} is not Node ${major}`);
  return binary;
}
