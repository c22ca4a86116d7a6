/**
 * The project root, found from the file being transformed so that every tool (the Node loader,
 * Vite, Rollup, esbuild…) finds the same one whatever its working directory:
 *
 * 1. the nearest ancestor that is a workspace root (a package.json with "workspaces", or a
 *    pnpm-workspace.yaml), so all packages of a monorepo share one root;
 * 2. else the nearest ancestor with a package.json;
 * 3. else the file's own directory.
 */
import { dirname, join } from "node:path";
import type { FsCache } from "./fs-cache.js";

export class ProjectRoots {
  /** directory → root, filled for every directory visited on the way up */
  private readonly byDir = new Map<string, string>();

  constructor(private readonly fs: FsCache) {}

  rootOf(file: string): string {
    return this.rootOfDir(dirname(file));
  }

  rootOfDir(start: string): string {
    const cached = this.byDir.get(start);
    if (cached !== undefined) return cached;
    const visited: string[] = [];
    let nearestPackage: string | undefined;
    let workspaceRoot: string | undefined;
    for (let dir = start; ; ) {
      visited.push(dir);
      const manifest = join(dir, "package.json");
      if (this.fs.probeFile(manifest)) {
        nearestPackage ??= dir;
        const pkg = this.fs.readJson<{ workspaces?: unknown }>(manifest);
        if (pkg && pkg.workspaces !== undefined) {
          workspaceRoot = dir;
          break;
        }
      }
      if (this.fs.probeFile(join(dir, "pnpm-workspace.yaml"))) {
        workspaceRoot = dir;
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    const root = workspaceRoot ?? nearestPackage ?? start;
    // Only the starting directory is memoised: its ancestors may have other nearest packages.
    this.byDir.set(start, root);
    return root;
  }

  forgetAll(): void {
    this.byDir.clear();
  }
}
