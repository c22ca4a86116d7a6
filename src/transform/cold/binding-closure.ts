/**
 * The code a node can execute, binding by binding, across modules (DESIGN.md §3), and the hashes
 * made of it.
 *
 * From the node's function it follows what the code reads: a top-level binding of the same
 * module counts by its code (local names normalised, see local-names.ts); an imported binding is
 * followed into the module that exports it, through `export { x } from` and `export *` (only the
 * re-exports used), and counts the same way there. A module reached counts by its top-level
 * statements that are not declarations (they run on import), without the functions they only
 * define; a statement that writes a reached binding (`f = …`, `C.prototype.m = …`,
 * `map.set(…)`) counts whole. A class reaches its superclass (its declaration reads it) and its
 * methods (they are its code). Side-effect imports, and every file a template-literal `import()`
 * can load, count whole; JSON and other assets by content; packages by name@version.
 *
 * Levels: the node's own module is level 0 (its parts make the code hash); each import or
 * re-export crossed adds one. Each part counts once, at the first (lowest) level it is reached:
 *
 *   depsHashes[k - 1] = hash of every part reached at levels 1..k
 *
 * There are as many hashes as levels reached (at least one), unless `maxDepth` stops the walk
 * first: then `depthLimited` says the code goes deeper than the hashes.
 */
import { dirname, join, resolve as resolvePath } from "node:path";
import { isListing } from "../stamps.js";
import { hashString } from "../../hashing/xxhash.js";
import { CODE_HASH_VERSION } from "../versions.js";
import type { FsCache } from "../fs-cache.js";
import { relativePath } from "../paths.js";
import type { FileRecords } from "./file-records.js";
import type { Load, ModuleGraph, Piece } from "./module-graph.js";
import type { Resolved, Resolver } from "./resolver.js";

export type DepsFile = [path: string, level: number, hash: string];

export interface ModuleGraphSource {
  /** The graph of a source file (undefined when it is not a source or does not parse). */
  graphOf(file: string): ModuleGraph | undefined;
}

export interface ClosureContext {
  records: FileRecords;
  graphs: ModuleGraphSource;
  resolver: Resolver;
  fs: FsCache;
  /** The module of the node, and its graph (made from the code being transformed). */
  file: string;
  graph: ModuleGraph;
  root: string;
  maxDepth: number;
  warn: (message: string) => void;
}

export interface NodeClosure {
  codeHash: string;
  depsHashes: string[];
  /** True when `maxDepth` stopped the walk before the end of the code. */
  depthLimited: boolean;
  /** One row per module or package reached, at the level it was first reached. */
  depsFiles: DepsFile[];
  /** Absolute path → content hash of every file the result was computed from. */
  stamps: Map<string, string>;
  /** False when an import could not be resolved (a file created later could change the result). */
  complete: boolean;
}

type Task =
  | { kind: "local"; file: string; name: string }
  | { kind: "export"; file: string; name: string }
  | { kind: "module"; file: string }
  | { kind: "whole"; file: string }
  | { kind: "statement"; file: string; index: number; deep: boolean }
  | { kind: "import"; importer: string; specifier: string; viaRequire: boolean; name: string | undefined }
  | { kind: "load"; file: string; load: Load };

/** The name an import asks for: an export name, "*" for the namespace, undefined for the whole module. */
type ImportedName = string | undefined;

export function nodeClosure(rootPiece: Piece, context: ClosureContext): NodeClosure {
  return new ClosureWalk(context).run(rootPiece);
}

class ClosureWalk {
  private readonly levels: Task[][] = [];
  private readonly seen = new Set<string>();
  /** file (absolute) or package key → part → level */
  private readonly parts = new Map<string, Map<string, number>>();
  /** depsFiles rows: a marker is the row's hash for what is not a project file (a version, "builtin", "unresolved"). */
  private readonly rows = new Map<string, { path: string; level: number; marker?: string }>();
  private readonly stamps = new Map<string, string>();
  private readonly exportsMemo = new Map<string, ExportNames>();
  private complete = true;
  private depthLimited = false;

  constructor(private readonly context: ClosureContext) {}

  run(rootPiece: Piece): NodeClosure {
    const { file } = this.context;
    this.stampConfigs(file);
    this.part(file, `fn:${rootPiece.hash}`, 0);
    this.follow(file, rootPiece, 0);
    this.push(0, { kind: "module", file });
    for (let level = 0; level < this.levels.length; level++) {
      const tasks = this.levels[level] ?? [];
      for (let index = 0; index < tasks.length; index++) this.perform(tasks[index]!, level);
    }
    return this.result();
  }

  private push(level: number, task: Task): void {
    if (level > this.context.maxDepth) {
      this.depthLimited = true;
      return;
    }
    const key = taskKey(task);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    while (this.levels.length <= level) this.levels.push([]);
    this.levels[level]!.push(task);
  }

  private part(key: string, part: string, level: number): void {
    let parts = this.parts.get(key);
    if (!parts) this.parts.set(key, (parts = new Map()));
    if (!parts.has(part)) parts.set(part, level);
  }

  private row(key: string, path: string, level: number, marker?: string): void {
    const known = this.rows.get(key);
    if (!known || known.level > level) this.rows.set(key, marker === undefined ? { path, level } : { path, level, marker });
  }

  private graphOf(file: string): ModuleGraph | undefined {
    return file === this.context.file ? this.context.graph : this.context.graphs.graphOf(file);
  }

  private follow(file: string, piece: { reads: string[]; loads: Load[] }, level: number): void {
    for (const name of piece.reads) this.push(level, { kind: "local", file, name });
    for (const load of piece.loads) this.push(level, { kind: "load", file, load });
  }

  private perform(task: Task, level: number): void {
    switch (task.kind) {
      case "local":
        return this.local(task.file, task.name, level);
      case "export":
        return this.exported(task.file, task.name, level);
      case "module":
        return this.module(task.file, level);
      case "whole":
        return this.whole(task.file, level);
      case "statement": {
        const statement = this.graphOf(task.file)!.statements[task.index]!;
        this.part(task.file, `stmt:${statement.id}`, level);
        this.follow(task.file, task.deep ? statement : statement.shallow, level);
        return;
      }
      case "import":
        return this.imported(task.importer, task.specifier, task.viaRequire, task.name, level);
      case "load":
        return this.load(task.file, task.load, level);
    }
  }

  private local(file: string, name: string, level: number): void {
    const graph = this.graphOf(file);
    if (!graph) return;
    const imported = graph.imports.get(name);
    if (imported) {
      this.push(level, { kind: "import", importer: file, specifier: imported.source, viaRequire: imported.viaRequire, name: imported.name });
      return;
    }
    const piece = graph.locals.get(name);
    if (!piece) return;
    this.part(file, `${name}:${piece.hash}`, level);
    this.follow(file, piece, level);
    graph.statements.forEach((statement, index) => {
      if (statement.writes.includes(name)) this.push(level, { kind: "statement", file, index, deep: true });
    });
  }

  private exported(file: string, name: string, level: number): void {
    this.push(level, { kind: "module", file });
    const graph = this.graphOf(file);
    if (!graph) return;
    if (graph.opaque) {
      this.push(level, { kind: "whole", file });
      return;
    }
    if (name === "*") {
      for (const exported of graph.exports.keys()) this.push(level, { kind: "export", file, name: exported });
      for (const star of graph.stars) this.push(level, { kind: "import", importer: file, specifier: star, viaRequire: false, name: "*" });
      return;
    }
    const target = graph.exports.get(name);
    if (target && "local" in target) {
      this.push(level, { kind: "local", file, name: target.local });
      return;
    }
    if (target) {
      this.push(level, { kind: "import", importer: file, specifier: target.source, viaRequire: false, name: target.name });
      return;
    }
    // `export *`: only the modules that export the name count (a package: by name@version).
    let found = false;
    for (const star of graph.stars) {
      const resolved = this.resolve(star, file, false);
      if (resolved.type === "file" && !exportsName(this.exportNames(resolved.path), name)) continue;
      found = true;
      this.push(level, { kind: "import", importer: file, specifier: star, viaRequire: false, name });
    }
    // A name the module does not export (a mistake, or code this analysis cannot see): all of it.
    if (!found) this.push(level, { kind: "whole", file });
  }

  /** Every name a module exports, through `export *` too (`any`: names it cannot tell, a package or CommonJS). */
  private exportNames(file: string): ExportNames {
    const known = this.exportsMemo.get(file);
    if (known) return known;
    const found: ExportNames = { names: new Set(), any: false };
    this.exportsMemo.set(file, found); // cycles of `export *` end here
    this.stampFile(file);
    const graph = this.context.graphs.graphOf(file);
    if (!graph) return found;
    for (const name of graph.exports.keys()) found.names.add(name);
    if (graph.opaque) found.any = true;
    for (const star of graph.stars) {
      const resolved = this.resolve(star, file, false);
      if (resolved.type !== "file") {
        found.any = true;
        continue;
      }
      const inner = this.exportNames(resolved.path);
      if (inner.any) found.any = true;
      for (const name of inner.names) if (name !== "default") found.names.add(name);
    }
    return found;
  }

  private module(file: string, level: number): void {
    const graph = this.graphOf(file);
    if (!graph) return;
    graph.statements.forEach((_, index) => this.push(level, { kind: "statement", file, index, deep: false }));
    for (const effect of graph.sideEffects) {
      this.push(level, { kind: "import", importer: file, specifier: effect.specifier, viaRequire: effect.viaRequire, name: undefined });
    }
  }

  private whole(file: string, level: number): void {
    this.part(file, `*:${this.context.records.get(file).contentHash}`, level);
    this.push(level, { kind: "module", file });
    const graph = this.graphOf(file);
    if (!graph) return;
    graph.statements.forEach((_, index) => this.push(level, { kind: "statement", file, index, deep: true }));
    for (const name of graph.locals.keys()) this.push(level, { kind: "local", file, name });
    for (const name of graph.imports.keys()) this.push(level, { kind: "local", file, name });
  }

  private imported(importer: string, specifier: string, viaRequire: boolean, name: ImportedName, level: number): void {
    const resolved = this.resolve(specifier, importer, viaRequire);
    const next = level + 1;
    if (next > this.context.maxDepth) {
      this.depthLimited = true;
      return;
    }
    const { root } = this.context;
    switch (resolved.type) {
      case "file": {
        const path = resolved.path;
        const record = this.context.records.get(path);
        this.stampFile(path);
        this.row(path, relativePath(root, path), next);
        if (record.kind === "broken") {
          this.context.warn(`${relativePath(root, path)} does not parse (${record.problem}); it counts by its bytes and its imports are not followed`);
        }
        if (record.kind !== "source") {
          this.part(path, `*:${record.contentHash}`, next);
          return;
        }
        this.stampConfigs(path);
        this.push(next, name === undefined ? { kind: "whole", file: path } : { kind: "export", file: path, name });
        return;
      }
      case "package": {
        const key = `npm:${resolved.name}`;
        this.part(key, `${key}@${resolved.version}`, next);
        this.row(key, key, next, resolved.version);
        this.stamps.set(resolved.manifest, this.context.records.get(resolved.manifest).contentHash);
        return;
      }
      case "builtin":
        this.part(resolved.name, resolved.name, next);
        this.row(resolved.name, resolved.name, next, "builtin");
        return;
      case "unresolved": {
        this.complete = false;
        this.context.warn(`cannot resolve "${resolved.specifier}" imported by ${relativePath(root, importer)} (${resolved.reason}); it counts by its name only`);
        const key = `?${resolved.specifier}`;
        this.part(key, key, next);
        this.row(key, resolved.specifier, next, "unresolved");
        return;
      }
    }
  }

  private load(file: string, load: Load, level: number): void {
    const { root } = this.context;
    switch (load.kind) {
      case "module":
        this.push(level, { kind: "import", importer: file, specifier: load.specifier, viaRequire: load.viaRequire, name: "*" });
        return;
      case "template": {
        const scanned: string[] = [];
        const matches = templateMatches(load.pattern, dirname(file), this.context.fs, scanned);
        // Which files it can load changes when one is added to (or removed from) a folder it
        // lists: each listing counts as an input of the transform, so that is seen.
        for (const dir of scanned) this.stampFile(isListing(dir) ? dir : `${dir}/`);
        if (matches === undefined) {
          this.context.warn(
            `${relativePath(root, file)}:${load.line}: import() of \`${load.pattern.replaceAll("*", "${…}")}\` does not start with ./ or ../, so daft cannot tell which files it loads; ` +
              `list them in the func's files option (files: ["…"]) so their changes count`,
          );
          return;
        }
        for (const match of matches) {
          if (match === file) continue;
          this.push(level, { kind: "import", importer: file, specifier: `./${relativePath(dirname(file), match)}`, viaRequire: false, name: undefined });
        }
        return;
      }
      case "computed":
        this.context.warn(
          `${relativePath(root, file)}:${load.line}: import() or require() of a computed specifier: daft cannot tell which module it loads, ` +
            `so changes there are not seen; list the files it may load in the func's files option (files: ["…"])`,
        );
        return;
    }
  }

  private resolve(specifier: string, importer: string, viaRequire: boolean): Resolved {
    return this.context.resolver.resolve(specifier, importer, viaRequire ? "require" : "import");
  }

  private stampFile(path: string): void {
    if (!this.stamps.has(path)) this.stamps.set(path, this.context.records.get(path).contentHash);
  }

  /** package.json and tsconfig.json decide how a file's imports resolve: they count as inputs. */
  private stampConfigs(file: string): void {
    for (const config of this.context.resolver.configFilesOf(file)) this.stampFile(config);
  }

  private result(): NodeClosure {
    const { file, root } = this.context;
    const own = [...(this.parts.get(file)?.entries() ?? [])].filter(([, level]) => level === 0).map(([part]) => part);
    own.sort();
    const codeHash = hashString([`daft-code-v${CODE_HASH_VERSION}`, ...own].join("\n"));

    const byLevel: string[][] = [];
    const rowHashes = new Map<string, string[]>();
    for (const [key, parts] of this.parts) {
      const prefix = this.rows.get(key)?.path ?? relativePath(root, key);
      for (const [part, level] of parts) {
        if (level === 0) continue;
        (byLevel[level] ??= []).push(`${prefix}\t${part}`);
        let list = rowHashes.get(key);
        if (!list) rowHashes.set(key, (list = []));
        list.push(part);
      }
    }
    const depsHashes: string[] = [];
    let previous = hashString("daft-deps-v2");
    const deepest = Math.max(1, byLevel.length - 1);
    for (let level = 1; level <= deepest; level++) {
      const entries = (byLevel[level] ?? []).sort();
      if (entries.length > 0 || level === 1) previous = hashString(`${previous}\n${entries.join("\n")}`);
      depsHashes.push(previous);
    }
    const depsFiles: DepsFile[] = [];
    for (const [key, parts] of rowHashes) {
      const row = this.rows.get(key);
      const level = row?.level ?? Math.min(...this.parts.get(key)!.values());
      depsFiles.push([row?.path ?? relativePath(root, key), level, row?.marker ?? hashString(parts.sort().join("\n"))]);
    }
    depsFiles.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { codeHash, depsHashes, depthLimited: this.depthLimited, depsFiles, stamps: this.stamps, complete: this.complete };
  }
}

interface ExportNames {
  names: Set<string>;
  any: boolean;
}

function exportsName(found: ExportNames, name: string): boolean {
  return found.any || found.names.has(name);
}

function taskKey(task: Task): string {
  switch (task.kind) {
    case "local":
    case "export":
      return `${task.kind}\0${task.file}\0${task.name}`;
    case "module":
    case "whole":
      return `${task.kind}\0${task.file}`;
    case "statement":
      return `${task.deep ? "deep" : "shallow"}\0${task.file}\0${task.index}`;
    case "import":
      return `import\0${task.importer}\0${task.specifier}\0${task.viaRequire}\0${task.name ?? "\0whole"}`;
    case "load":
      return `load\0${task.file}\0${JSON.stringify(task.load)}`;
  }
}

/**
 * The files a template-literal `import()` can load, by Vite's rule for dynamic imports with
 * variables: the pattern must start with `./` or `../`; each `${…}` matches within one path
 * segment (`./locales/${lang}.js` → every `.js` file directly in `./locales`). Undefined when
 * the pattern cannot be followed.
 */
export function templateMatches(pattern: string, fromDir: string, fs: FsCache, scanned?: string[]): string[] | undefined {
  if (!pattern.startsWith("./") && !pattern.startsWith("../")) return undefined;
  const segments = pattern.split("/");
  let dirs = [fromDir];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (!segment.includes("*")) {
      const next = dirs.map((dir) => resolvePath(dir, segment));
      if (last) return next.filter((path) => fs.isFile(path));
      dirs = next.filter((path) => fs.isDir(path));
      continue;
    }
    const matcher = new RegExp(`^${segment.split("*").map(escapeRegExp).join("[^/]*")}$`);
    const found: string[] = [];
    for (const dir of dirs) {
      scanned?.push(dir);
      for (const name of fs.entries(dir, last ? "file" : "dir")) if (matcher.test(name)) found.push(join(dir, name));
    }
    if (last) return found.sort();
    dirs = found;
  }
  return [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
