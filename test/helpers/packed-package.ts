/**
 * The package as users get it: `npm pack` of this repository (the dist/ that `npm run build`
 * made; the pack's own scripts are skipped so a test never rebuilds dist/ under other tests),
 * installed with npm into a fresh project in a temp folder, dependencies and all. Tests that
 * check what the tarball holds, or that a recipe works as a user would run it, start here.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureHandle, makeTempDir, repoRoot, type FixtureCopy } from "./fixture.js";
import { runProcess } from "./node-process.js";

let packed: Promise<string> | undefined;

/** Path of `daft-<version>.tgz`, packed once per test file. */
export function packDaft(): Promise<string> {
  packed ??= (async () => {
    if (!existsSync(join(repoRoot, "dist", "src", "index.js"))) throw new Error("dist/ is missing: run `npm run build` first");
    const destination = makeTempDir("daft-pack-");
    const result = await runProcess("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", destination], {
      cwd: repoRoot,
      timeoutMs: 120_000,
    });
    const tarball = readdirSync(destination).find((name) => name.endsWith(".tgz"));
    if (result.code !== 0 || !tarball) throw new Error(`npm pack failed:\n${result.stdout}\n${result.stderr}`);
    return join(destination, tarball);
  })();
  return packed;
}

export interface FreshProjectOptions {
  /** The project's package.json `type` (default "module"). */
  type?: "module" | "commonjs";
  /** Packages of this repository's node_modules to link in (bundlers, compilers). */
  link?: readonly string[];
}

/**
 * A new project with the packed daft installed by npm (from npm's cache where it can), and the
 * named packages of this repository linked into its node_modules.
 */
export async function freshProjectWithDaft(options: FreshProjectOptions = {}): Promise<FixtureCopy> {
  const tarball = await packDaft();
  const dir = makeTempDir("daft-fresh-");
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "fresh-app", private: true, type: options.type ?? "module" }, null, 2)}\n`);
  const install = await runProcess(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", tarball],
    { cwd: dir, timeoutMs: 300_000 },
  );
  if (install.code !== 0) throw new Error(`npm install of the packed daft failed:\n${install.stdout}\n${install.stderr}`);
  for (const name of options.link ?? []) {
    const target = join(dir, "node_modules", name);
    mkdirSync(join(target, ".."), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules", name), target, "dir");
  }
  return fixtureHandle(dir);
}
