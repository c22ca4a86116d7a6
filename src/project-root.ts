/**
 * The project root: paths in hashes, in build info and in `files` globs are relative to it, so
 * the same checkout at another place gives the same hashes. Every tool (the runtime, the Node
 * loader, each bundler plugin) finds it from a directory by the same rule:
 *
 * 1. the nearest ancestor that is a workspace root (a package.json with "workspaces", or a
 *    pnpm-workspace.yaml), so all packages of a monorepo share one root;
 * 2. else the nearest ancestor with a package.json;
 * 3. else the directory itself.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** How the rule looks at files: straight at the disk, or through a build's memoised look-ups. */
export interface RootProbe {
  probeFile(path: string): boolean;
  /** Parsed JSON, or undefined when the file is missing or not valid JSON. */
  readJson<T>(path: string): T | undefined;
}

const NO_THROW = { throwIfNoEntry: false } as const;

const DISK: RootProbe = {
  probeFile: (path) => statSync(path, NO_THROW)?.isFile() === true,
  readJson<T>(path: string): T | undefined {
    try {
      return JSON.parse(readFileSync(path, "utf8")) as T;
    } catch {
      return undefined;
    }
  },
};

/** Project roots, memoised per starting directory until `forgetAll` (a manifest changed). */
export class ProjectRoots {
  private readonly byDir = new Map<string, string>();

  constructor(private readonly probe: RootProbe = DISK) {}

  /** The root of the project a file belongs to. */
  rootOf(file: string): string {
    return this.rootOfDir(dirname(file));
  }

  /** The root of the project a directory (absolute) belongs to. */
  rootOfDir(start: string): string {
    const cached = this.byDir.get(start);
    if (cached !== undefined) return cached;
    let nearestPackage: string | undefined;
    let workspaceRoot: string | undefined;
    for (let dir = start; ; ) {
      const manifest = join(dir, "package.json");
      if (this.probe.probeFile(manifest)) {
        nearestPackage ??= dir;
        if (this.probe.readJson<{ workspaces?: unknown }>(manifest)?.workspaces !== undefined) {
          workspaceRoot = dir;
          break;
        }
      }
      if (this.probe.probeFile(join(dir, "pnpm-workspace.yaml"))) {
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

const shared = new ProjectRoots();

/** The project root for a directory, looked up on disk (memoised for the process). */
export function findProjectRoot(fromDir: string): string {
  return shared.rootOfDir(resolve(fromDir));
}
