/**
 * A result computed while a file it depends on changed must not be stored: it may mix old and
 * new code or data under hashes of the old. The node's files (its own module, the project files
 * of its import closure within `dependencyDepth`, and its declared `files`) are stamped (size and
 * mtime, as the transform stamps files) before its first computed call, and stamped again when
 * each computed call ends; a change leaves the result unstored, naming the file.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NodeMeta } from "../func.js";
import { findProjectRoot } from "../project-root.js";
import { siteOf } from "./remote/node-ref.js";

/** `[name shown, absolute path, size (-1: missing), mtime]` */
type FileStamp = [name: string, path: string, size: number, mtimeMs: number];

export type DependencyStamps = readonly FileStamp[];

const NOT_A_FILE = new Set(["unresolved", "builtin", "missing"]);

/** The stamps of the files a node's result depends on; `dataFiles` are its `files`, relative to `dataRoot`. */
export function stampDependencies(meta: NodeMeta, depth: number, dataRoot: string, dataFiles: readonly string[]): DependencyStamps {
  const stamps: FileStamp[] = [];
  const module = siteOf(meta)?.module;
  if (module?.startsWith("file:")) {
    const ownPath = fileURLToPath(module.replace(/[?#].*$/s, ""));
    stamps.push(stamp(meta.file ?? ownPath, ownPath));
    const root = findProjectRoot(dirname(ownPath));
    for (const [path, level, hash] of meta.depsFiles ?? []) {
      if (level > depth || NOT_A_FILE.has(hash) || path.startsWith("npm:") || path.startsWith("node:")) continue;
      stamps.push(stamp(path, join(root, path)));
    }
  }
  for (const file of dataFiles) stamps.push(stamp(file, join(dataRoot, file)));
  return stamps;
}

/** The first file whose stamp differs from when `stamps` were taken, or undefined. */
export function changedDependency(stamps: DependencyStamps): string | undefined {
  for (const [name, path, size, mtimeMs] of stamps) {
    const now = stat(path);
    if (now.size !== size || now.mtimeMs !== mtimeMs) return name;
  }
  return undefined;
}

/** Why a result is not stored, when a file changed while it was computed. */
export function changedDuringCall(stamps: DependencyStamps | undefined): string | undefined {
  const changed = stamps && stamps.length > 0 ? changedDependency(stamps) : undefined;
  return changed === undefined ? undefined : `${changed} changed while the node ran, so the result may not match its hashes`;
}

function stamp(name: string, path: string): FileStamp {
  const { size, mtimeMs } = stat(path);
  return [name, path, size, mtimeMs];
}

const STAT_OPTIONS = { throwIfNoEntry: false } as const;

function stat(path: string): { size: number; mtimeMs: number } {
  try {
    const found = statSync(path, STAT_OPTIONS);
    return found ? { size: found.size, mtimeMs: found.mtimeMs } : { size: -1, mtimeMs: 0 };
  } catch {
    return { size: -1, mtimeMs: 0 };
  }
}
