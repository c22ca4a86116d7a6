/**
 * Fixture projects live under `fixtures/`; tests never edit them in place. `copyFixture` copies
 * one into a fresh temp folder and links this package in as `node_modules/daft`, so the copy
 * imports `daft`, `daft/loader`… exactly as a user's project would (through the built `dist/`).
 */
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const fixturesDir = join(repoRoot, "fixtures");

export interface FixtureCopy {
  /** Absolute path of the copy. */
  dir: string;
  /** Absolute path of a file inside the copy. */
  path(relative: string): string;
  read(relative: string): string;
  write(relative: string, content: string): void;
  /** Replaces `search` (which must occur) in a file of the copy. */
  edit(relative: string, search: string | RegExp, replacement: string): void;
  remove(): void;
}

const created: string[] = [];

export function makeTempDir(prefix = "daft-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Copies `fixtures/<name>` into a temp folder (optionally a nested path inside it). */
export function copyFixture(name: string, options: { into?: string; linkDaft?: boolean } = {}): FixtureCopy {
  const base = makeTempDir();
  const dir = options.into ? join(base, options.into) : base;
  mkdirSync(dir, { recursive: true });
  cpSync(join(fixturesDir, name), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${"/"}node_modules${"/"}`) && !src.endsWith(`${"/"}node_modules`) && !src.includes("/.cache"),
  });
  if (options.linkDaft !== false) linkDaft(dir);
  return fixtureHandle(dir);
}

/** Makes `dir/node_modules/daft` point at this package. */
export function linkDaft(dir: string): void {
  const modules = join(dir, "node_modules");
  mkdirSync(modules, { recursive: true });
  rmSync(join(modules, "daft"), { recursive: true, force: true });
  symlinkSync(repoRoot, join(modules, "daft"), "dir");
}

export function fixtureHandle(dir: string): FixtureCopy {
  return {
    dir,
    path: (relative) => join(dir, relative),
    read: (relative) => readFileSync(join(dir, relative), "utf8"),
    write: (relative, content) => {
      mkdirSync(dirname(join(dir, relative)), { recursive: true });
      writeFileSync(join(dir, relative), content);
    },
    edit: (relative, search, replacement) => {
      const file = join(dir, relative);
      const before = readFileSync(file, "utf8");
      const after = before.replace(search, replacement);
      if (after === before) throw new Error(`edit of ${relative}: ${String(search)} not found`);
      writeFileSync(file, after);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Removes every temp folder made by this test file (call from `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
