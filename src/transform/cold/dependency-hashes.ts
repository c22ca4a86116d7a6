/**
 * Dependency hashes: one cumulative hash per import level.
 *
 * Level 1 is given by the caller (the modules a node's code actually uses, plus its file's
 * side-effect imports). Level k+1 adds every import of every level-k file. Each file is counted
 * once, at the first level it is reached, by (project-relative path, content hash); packages in
 * node_modules by name@version; built-ins by name; an unresolvable specifier by its text.
 *
 *   depsHashes[k] = hash(depsHashes[k-1], sorted entries first reached at level k+1)
 *
 * so each hash covers everything up to its level, and does not depend on visiting order. Levels
 * beyond the end of the graph repeat the last hash. Cycles stop at already-counted files.
 */
import { hashString } from "../../hashing/xxhash.js";
import type { FileRecords } from "./file-records.js";
import { isRequireEdge } from "./module-imports.js";
import { relativePath } from "../paths.js";
import type { Resolved, Resolver } from "./resolver.js";

export type DepsFile = [path: string, level: number, hash: string];

export interface DependencyTarget {
  resolved: Resolved;
  /** The file whose import this is (for warnings). */
  importer: string;
}

export interface DependencyResult {
  depsHashes: string[];
  depsFiles: DepsFile[];
  /** Absolute paths whose change must re-run the transform: files, package manifests, tsconfigs. */
  watchFiles: string[];
  /** Absolute path → content hash, for every file the result was computed from. */
  stamps: Map<string, string>;
  /** False when an import could not be resolved (a file created later could change the result). */
  complete: boolean;
}

export interface DependencyContext {
  records: FileRecords;
  resolver: Resolver;
  /** The module being transformed (its own imports are resolved with its configs). */
  file: string;
  root: string;
  maxDepth: number;
  warn: (message: string) => void;
}

export function dependencyHashes(level1: DependencyTarget[], context: DependencyContext): DependencyResult {
  const { records, resolver, root, maxDepth, warn } = context;
  const counted = new Set<string>();
  const depsFiles: DepsFile[] = [];
  const stamps = new Map<string, string>();
  const watchFiles = new Set<string>();
  const depsHashes: string[] = [];
  let complete = true;
  let previous = hashString("daft-deps-v1");
  let frontier = level1;

  /** package.json and tsconfig.json decide how a file's imports resolve: they count as inputs. */
  const stampConfigs = (file: string): void => {
    for (const config of resolver.configFilesOf(file)) {
      if (stamps.has(config)) continue;
      stamps.set(config, records.get(config).contentHash);
      watchFiles.add(config);
    }
  };
  stampConfigs(context.file);

  for (let level = 1; level <= maxDepth; level++) {
    const entries: string[] = [];
    const next: DependencyTarget[] = [];
    for (const { resolved, importer } of frontier) {
      switch (resolved.type) {
        case "file": {
          if (counted.has(resolved.path)) continue;
          counted.add(resolved.path);
          const record = records.get(resolved.path);
          const rel = relativePath(root, resolved.path);
          entries.push(`${rel}\t${record.contentHash}`);
          depsFiles.push([rel, level, record.contentHash]);
          stamps.set(resolved.path, record.contentHash);
          watchFiles.add(resolved.path);
          if (record.kind === "broken") {
            warn(`${rel} does not parse (${record.problem}); it counts by its bytes and its imports are not followed`);
          }
          if (level < maxDepth && record.kind === "source") {
            if (record.imports.length > 0) stampConfigs(resolved.path);
            for (const edge of record.imports) {
              next.push({ resolved: resolver.resolve(edge.specifier, resolved.path, isRequireEdge(edge) ? "require" : "import"), importer: resolved.path });
            }
          }
          break;
        }
        case "package": {
          const key = `npm:${resolved.name}`;
          if (counted.has(key)) continue;
          counted.add(key);
          entries.push(`${key}@${resolved.version}`);
          depsFiles.push([key, level, resolved.version]);
          stamps.set(resolved.manifest, records.get(resolved.manifest).contentHash);
          watchFiles.add(resolved.manifest);
          break;
        }
        case "builtin": {
          if (counted.has(resolved.name)) continue;
          counted.add(resolved.name);
          entries.push(resolved.name);
          depsFiles.push([resolved.name, level, "builtin"]);
          break;
        }
        case "unresolved": {
          complete = false;
          warn(`cannot resolve "${resolved.specifier}" imported by ${relativePath(root, importer)} (${resolved.reason}); it counts by its name only`);
          const key = `?${resolved.specifier}`;
          if (counted.has(key)) continue;
          counted.add(key);
          entries.push(key);
          depsFiles.push([resolved.specifier, level, "unresolved"]);
          break;
        }
      }
    }
    entries.sort();
    previous = entries.length === 0 && level > 1 ? previous : hashString(`${previous}\n${entries.join("\n")}`);
    depsHashes.push(previous);
    frontier = next;
  }
  return { depsHashes, depsFiles, watchFiles: [...watchFiles], stamps, complete };
}
