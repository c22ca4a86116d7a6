/**
 * The project root: paths in hashes and in `files` globs are relative to it, so the same
 * checkout at another place gives the same hashes. It is found from a directory, the same way
 * by every tool: the nearest workspace root above it (a package.json with "workspaces", or a
 * pnpm-workspace.yaml), else the nearest directory with a package.json, else the directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const cache = new Map<string, string>();

function isWorkspaceRoot(dir: string): boolean {
  if (existsSync(join(dir, "pnpm-workspace.yaml"))) return true;
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown }).workspaces !== undefined;
  } catch {
    return false;
  }
}

export function findProjectRoot(fromDir: string): string {
  const start = resolve(fromDir);
  const known = cache.get(start);
  if (known) return known;
  let nearestPackage: string | undefined;
  let workspace: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (!nearestPackage && existsSync(join(dir, "package.json"))) nearestPackage = dir;
    if (isWorkspaceRoot(dir)) {
      workspace = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const root = workspace ?? nearestPackage ?? start;
  cache.set(start, root);
  return root;
}
