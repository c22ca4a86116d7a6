/**
 * Module resolution as Node and TypeScript do it, reduced to what the dependency hash needs:
 * which file (or package, or built-in) an import names.
 *
 * - relative and absolute specifiers: the exact file, then `.js`→`.ts`/`.tsx`, `.mjs`→`.mts`,
 *   `.cjs`→`.cts`, then extensions, then a directory's package.json `main` or `index.*`;
 * - `#imports` of the importing file's package;
 * - tsconfig `paths` / `baseUrl`;
 * - bare specifiers through `node_modules` (and the package's own name): a package whose real path
 *   is inside `node_modules` is external (counted as `name@version`); one whose real path is
 *   outside (a symlinked workspace package) is source and resolved through `exports`, preferring
 *   the "source" and "development" conditions, then `module`/`main`, then `index.*`;
 * - Node built-ins.
 */
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { basename, dirname, join, resolve as resolvePath } from "node:path";
import { createRequire } from "node:module";
import type { FsCache } from "../fs-cache.js";
import { isRelativeSpecifier, isAbsoluteSpecifier } from "../paths.js";
import { isInNodeModules } from "../source-files.js";
import type { TsconfigPaths } from "./tsconfig-paths.js";

export type Resolved =
  | { type: "file"; path: string }
  | { type: "package"; name: string; version: string; manifest: string }
  | { type: "builtin"; name: string }
  | { type: "unresolved"; specifier: string; reason: string };

export type ResolveMode = "import" | "require";

interface PackageManifest {
  name?: string;
  version?: string;
  main?: string;
  module?: string;
  exports?: unknown;
  imports?: unknown;
}

const BUILTINS = new Set(builtinModules);

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/i;

type ResolveExportsLibrary = typeof import("resolve.exports");
let resolveExportsLibrary: ResolveExportsLibrary | undefined;

/** Loaded on the first package with an `exports` or `imports` map. */
function exportsLibrary(): ResolveExportsLibrary {
  resolveExportsLibrary ??= createRequire(import.meta.url)("resolve.exports") as ResolveExportsLibrary;
  return resolveExportsLibrary;
}

/** Extensions tried for an extensionless specifier, TypeScript's first. */
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];

/** What TypeScript maps a JavaScript extension to when the `.js` file itself does not exist. */
const TS_COUNTERPARTS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/** Extra export conditions tried first for workspace packages, whose `dist` may not be built. */
const SOURCE_CONDITIONS = ["source", "development"];

export class Resolver {
  private readonly memo = new Map<string, Resolved>();

  constructor(
    private readonly fs: FsCache,
    private readonly tsconfig: TsconfigPaths,
    /** Packages always counted by version, even when linked from outside node_modules. */
    private readonly alwaysExternal: readonly string[] = [],
  ) {}

  resolve(specifier: string, importer: string, mode: ResolveMode): Resolved {
    const dir = dirname(importer);
    const fromTypeScript = TYPESCRIPT_FILE.test(importer);
    const key = `${mode}\0${fromTypeScript ? "ts" : "js"}\0${dir}\0${specifier}`;
    let resolved = this.memo.get(key);
    if (!resolved) {
      this.preferTypeScript = fromTypeScript;
      resolved = this.resolveUncached(specifier, importer, dir, mode);
      this.memo.set(key, resolved);
    }
    return resolved;
  }

  /**
   * TypeScript resolves `./x.js` to `x.ts` even when a compiled `x.js` sits next to it; Node (and
   * JavaScript importers) take the file as written. Set for the duration of one resolution.
   */
  private preferTypeScript = false;

  forgetAll(): void {
    this.memo.clear();
  }

  private resolveUncached(specifier: string, importer: string, dir: string, mode: ResolveMode): Resolved {
    // Bundler queries (`./x.svg?raw`) do not change which file is read.
    const request = specifier.startsWith("#") ? specifier : specifier.replace(/\?.*$/, "");
    if (request.startsWith("node:")) return { type: "builtin", name: request };
    if (isRelativeSpecifier(request) || isAbsoluteSpecifier(request)) {
      const file = this.resolveFile(resolvePath(dir, request));
      return file ? { type: "file", path: file } : unresolved(specifier, "no such file");
    }
    if (request.startsWith("file:")) {
      try {
        const file = this.resolveFile(fileURLToPath(request));
        if (file) return { type: "file", path: file };
      } catch {
        // not a valid URL: unresolved below
      }
      return unresolved(specifier, "no such file");
    }
    if (request.startsWith("#")) return this.resolvePackageImport(request, importer, mode);
    if (BUILTINS.has(request)) return { type: "builtin", name: `node:${request}` };
    for (const candidate of this.tsconfig.candidates(request, importer)) {
      const file = this.resolveFile(candidate);
      if (file) return { type: "file", path: file };
    }
    return this.resolveBare(request, dir, mode);
  }

  /** An existing file for a path as written in an import, or undefined. */
  resolveFile(path: string): string | undefined {
    const dot = path.lastIndexOf(".");
    const extension = dot > Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) ? path.slice(dot) : "";
    const counterparts = TS_COUNTERPARTS[extension];
    if (counterparts && this.preferTypeScript) {
      const stem = path.slice(0, -extension.length);
      for (const counterpart of counterparts) if (this.fs.isFile(stem + counterpart)) return stem + counterpart;
    }
    if (this.fs.isFile(path)) return path;
    if (counterparts && !this.preferTypeScript) {
      const stem = path.slice(0, -extension.length);
      for (const counterpart of counterparts) if (this.fs.isFile(stem + counterpart)) return stem + counterpart;
    }
    for (const extension of EXTENSIONS) if (this.fs.isFile(path + extension)) return path + extension;
    if (this.fs.isDir(path)) {
      const manifest = this.fs.readJson<PackageManifest>(join(path, "package.json"));
      const main = manifest && (typeof manifest.main === "string" ? manifest.main : undefined);
      if (main) {
        const file = this.resolveFileNoDir(join(path, main));
        if (file) return file;
      }
      for (const extension of EXTENSIONS) {
        const index = join(path, `index${extension}`);
        if (this.fs.isFile(index)) return index;
      }
    }
    return undefined;
  }

  private resolveFileNoDir(path: string): string | undefined {
    if (this.fs.isFile(path)) return path;
    for (const extension of EXTENSIONS) if (this.fs.isFile(path + extension)) return path + extension;
    for (const extension of EXTENSIONS) {
      const index = join(path, `index${extension}`);
      if (this.fs.isFile(index)) return index;
    }
    return undefined;
  }

  private resolveBare(request: string, dir: string, mode: ResolveMode): Resolved {
    const { name, subpath } = splitPackageSpecifier(request);
    if (!name) return unresolved(request, "not a valid package name");
    // The importing package's own name (self-reference through "exports").
    const own = this.packageScope(dir);
    if (own && own.manifest.name === name && own.manifest.exports !== undefined && !isInNodeModules(own.dir)) {
      const file = this.resolveInPackage(own.dir, own.manifest, subpath, mode);
      if (file) return { type: "file", path: file };
    }
    for (let current = dir; ; ) {
      if (basename(current) !== "node_modules") {
        const packageDir = join(current, "node_modules", name);
        if (this.fs.isDir(packageDir)) return this.resolveFoundPackage(request, name, packageDir, subpath, mode);
      }
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
    return unresolved(request, "package not found in node_modules");
  }

  private resolveFoundPackage(request: string, name: string, packageDir: string, subpath: string, mode: ResolveMode): Resolved {
    const real = this.fs.realpath(packageDir);
    const manifestPath = join(real, "package.json");
    const manifest = this.fs.readJson<PackageManifest>(manifestPath) ?? {};
    if (isInNodeModules(real + "/") || this.alwaysExternal.includes(name)) {
      return { type: "package", name, version: typeof manifest.version === "string" ? manifest.version : "0.0.0", manifest: manifestPath };
    }
    // A workspace package: its source is part of the project.
    const file = this.resolveInPackage(real, manifest, subpath, mode);
    return file ? { type: "file", path: file } : unresolved(request, `no file for "${subpath}" in the workspace package at ${real}`);
  }

  private resolveInPackage(dir: string, manifest: PackageManifest, subpath: string, mode: ResolveMode): string | undefined {
    if (manifest.exports !== undefined && manifest.exports !== null) {
      for (const conditions of [SOURCE_CONDITIONS, []]) {
        let targets: string[] | void;
        try {
          targets = exportsLibrary().exports(manifest, subpath, { require: mode === "require", conditions });
        } catch {
          targets = undefined;
        }
        for (const target of targets ?? []) {
          const file = this.resolveFile(join(dir, target));
          if (file) return file;
        }
      }
      return undefined;
    }
    if (subpath === ".") {
      for (const field of [manifest.module, manifest.main]) {
        if (typeof field === "string") {
          const file = this.resolveFile(join(dir, field));
          if (file) return file;
        }
      }
      return this.resolveFile(join(dir, "index"));
    }
    return this.resolveFile(join(dir, subpath));
  }

  private resolvePackageImport(request: string, importer: string, mode: ResolveMode): Resolved {
    const scope = this.packageScope(dirname(importer));
    if (!scope || scope.manifest.imports === undefined) return unresolved(request, "no \"imports\" in the nearest package.json");
    for (const conditions of [SOURCE_CONDITIONS, []]) {
      let targets: string[] | void;
      try {
        targets = exportsLibrary().imports(scope.manifest, request, { require: mode === "require", conditions });
      } catch {
        targets = undefined;
      }
      for (const target of targets ?? []) {
        if (target.startsWith("./")) {
          const file = this.resolveFile(join(scope.dir, target));
          if (file) return { type: "file", path: file };
        } else {
          return this.resolve(target, join(scope.dir, "package.json"), mode);
        }
      }
    }
    return unresolved(request, "no matching \"imports\" entry");
  }

  /**
   * The files whose content decides how imports from `file` resolve: the package.json of its
   * package (`imports`, self-references) and its tsconfig.json (`paths`).
   */
  configFilesOf(file: string): string[] {
    const files: string[] = [];
    const scope = this.packageScope(dirname(file));
    if (scope) files.push(join(scope.dir, "package.json"));
    files.push(...this.tsconfig.configChainOf(file));
    return files;
  }

  /** The nearest package.json at or above `dir` (the package the file belongs to). */
  private packageScope(dir: string): { dir: string; manifest: PackageManifest } | undefined {
    for (let current = dir; ; ) {
      const manifest = this.fs.readJson<PackageManifest>(join(current, "package.json"));
      if (manifest) return { dir: current, manifest };
      const parent = dirname(current);
      if (parent === current || basename(current) === "node_modules") return undefined;
      current = parent;
    }
  }
}

function unresolved(specifier: string, reason: string): Resolved {
  return { type: "unresolved", specifier, reason };
}

/** `@scope/name/sub/path` → { name: "@scope/name", subpath: "./sub/path" }. */
export function splitPackageSpecifier(specifier: string): { name: string | undefined; subpath: string } {
  const parts = specifier.split("/");
  const nameParts = specifier.startsWith("@") ? 2 : 1;
  if (parts.length < nameParts || parts.slice(0, nameParts).some((part) => part === "")) return { name: undefined, subpath: "." };
  const name = parts.slice(0, nameParts).join("/");
  const rest = parts.slice(nameParts).join("/");
  return { name, subpath: rest ? `./${rest}` : "." };
}
