/**
 * Data files a node declares with `files` (paths or globs relative to the project root): their
 * contents join its dependency hash. Each file is hashed once per process unless its size or
 * modification time changes.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { hashBytes, hashString } from "../hashing/xxhash.js";
import { findProjectRoot } from "../project-root.js";
import type { PipelineNode } from "../graph.js";

type Tinyglobby = typeof import("tinyglobby");
let tinyglobby: Tinyglobby | undefined;
/** The glob matcher, loaded on first use: most pipelines declare no `files`, and it costs ~10 ms to load. */
function globber(): Tinyglobby {
  tinyglobby ??= createRequire(import.meta.url)("tinyglobby") as Tinyglobby;
  return tinyglobby;
}

const contentHashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();
const warned = new Set<string>();

function hashFile(path: string): string {
  const stat = statSync(path);
  const known = contentHashes.get(path);
  if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.hash;
  const hash = hashBytes(readFileSync(path));
  contentHashes.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, hash });
  return hash;
}

/** The folder `files` patterns are relative to. */
export function dataFilesRoot(): string {
  return findProjectRoot(process.cwd());
}

export function hashDataFiles(patterns: readonly string[], node: PipelineNode): { hash: string; parts: Record<string, string> } {
  const root = dataFilesRoot();
  const parts: Record<string, string> = {};
  for (const pattern of patterns) {
    const { globSync, isDynamicPattern } = globber();
    const matches = isDynamicPattern(pattern)
      ? globSync(pattern, { cwd: root, onlyFiles: true, dot: true, expandDirectories: false })
      : [pattern];
    if (matches.length === 0) warnOnce(node, pattern, root, "matches no file");
    for (const relative of matches) {
      const key = relative.replaceAll("\\", "/");
      try {
        parts[key] = hashFile(join(root, relative));
      } catch {
        // A missing file counts as missing: creating it later changes the hash.
        parts[key] = "missing";
        warnOnce(node, pattern, root, "does not exist");
      }
    }
  }
  const sorted = Object.keys(parts).sort();
  return { hash: hashString(sorted.map((key) => `${key}\u0000${parts[key]}`).join("\u0000")), parts: Object.fromEntries(sorted.map((key) => [key, parts[key]!])) };
}

function warnOnce(node: PipelineNode, pattern: string, root: string, problem: string): void {
  const key = `${node.output}\u0000${pattern}`;
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(`node "${node.name}": files entry "${pattern}" ${problem} (relative to the project root ${root})`, "DaftWarning");
}
