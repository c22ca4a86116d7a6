/**
 * fixtures/monorepo: npm workspaces, `apps/etl` importing helpers from `@acme/core` by package
 * name (a symlink in node_modules to packages/core, resolved to its TypeScript source). Through
 * the Node loader and through Vite (build and dev server):
 *
 * - both give the same hashes, with paths relative to the workspace root, and share results;
 * - editing a helper in packages/core changes the hashes of the apps/etl node that reaches it
 *   and of nothing else: that node misses, the others (and its unchanged downstream) hit;
 * - the dev server (rooted at apps/etl) sees the edit of a file outside its root.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { build, createServer, type InlineConfig, type ViteDevServer } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { linkPackages, type NodeReport } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

interface EtlRun {
  result: Record<string, unknown>;
  cache: Record<string, "hit" | "miss" | "none">;
  nodes: NodeReport[];
}

/** A copy with node_modules as `npm install` makes it: daft, and the workspace packages linked. */
function copyMonorepo(): FixtureCopy {
  const copy = copyFixture("monorepo");
  linkPackages(copy.dir, ["vite", "tsx"]);
  mkdirSync(copy.path("node_modules/@acme"));
  symlinkSync("../../packages/core", copy.path("node_modules/@acme/core"), "dir");
  symlinkSync("../../apps/etl", copy.path("node_modules/@acme/etl"), "dir");
  return copy;
}

async function run(copy: FixtureCopy, args: string[], cacheDir: string): Promise<EtlRun> {
  const { stdout } = await runNode(args, { cwd: copy.path("apps/etl"), env: { ...process.env, DAFT_CACHE_DIR: cacheDir } });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as EtlRun;
}

const withLoader = (copy: FixtureCopy, cacheDir: string) => run(copy, ["--import", "tsx", "--import", "daft/loader", "src/main.ts"], cacheDir);
const built = (copy: FixtureCopy, cacheDir: string) => run(copy, ["dist/main.js"], cacheDir);

function viteConfig(copy: FixtureCopy): InlineConfig {
  return { root: copy.path("apps/etl"), configFile: copy.path("apps/etl/vite.config.ts"), logLevel: "silent" };
}

const hashes = (nodes: readonly NodeReport[]) => nodes.map(({ output, codeHash, depsHashes }) => ({ output, codeHash, depsHashes }));

describe("fixtures/monorepo through the Node loader and Vite", () => {
  const copy = copyMonorepo();
  const cacheDir = makeTempDir("daft-shared-cache-");
  let first: EtlRun;

  it("gives the same workspace-relative hashes either way, and one's results are the other's hits", async () => {
    first = await withLoader(copy, cacheDir);
    expect(first.result).toMatchObject({ slugs: ["hello-world", "caching-pipelines"], averageWords: 300 });
    expect(first.cache).toEqual({ slugs: "miss", averageWords: "miss", index: "miss" });
    expect(first.nodes.map((node) => [node.hashSource, node.file])).toEqual([
      ["build", "apps/etl/src/pipeline.ts"],
      ["build", "apps/etl/src/pipeline.ts"],
      ["build", "apps/etl/src/pipeline.ts"],
    ]);

    await build(viteConfig(copy));
    const bundled = await built(copy, cacheDir);
    expect(bundled.nodes).toEqual(first.nodes);
    expect(bundled.cache).toEqual({ slugs: "hit", averageWords: "hit", index: "hit" });
  });

  it("an edit of a helper in packages/core invalidates the apps/etl node that reaches it, and nothing else", async () => {
    // Same output, other code: `slugs` must run again; `index`, fed the same slugs, must not.
    copy.edit("packages/core/src/spaces.ts", 'text.trim().split(/\\s+/).join(" ")', 'text.split(/\\s+/).filter((word) => word !== "").join(" ")');

    const loader = await withLoader(copy, cacheDir);
    expect(loader.cache).toEqual({ slugs: "miss", averageWords: "hit", index: "hit" });
    const [slugsBefore, ...othersBefore] = hashes(first.nodes);
    const [slugsAfter, ...othersAfter] = hashes(loader.nodes);
    expect(slugsAfter!.codeHash).toBe(slugsBefore!.codeHash);
    expect(slugsAfter!.depsHashes[0]).toBe(slugsBefore!.depsHashes[0]);
    expect(slugsAfter!.depsHashes[1]).not.toBe(slugsBefore!.depsHashes[1]);
    expect(othersAfter).toEqual(othersBefore);

    await build(viteConfig(copy));
    const bundled = await built(copy, cacheDir);
    expect(bundled.nodes).toEqual(loader.nodes);
    expect(bundled.cache).toEqual({ slugs: "hit", averageWords: "hit", index: "hit" });
  });

  describe("Vite dev server rooted at apps/etl", () => {
    let server: ViteDevServer | undefined;
    afterAll(async () => {
      await server?.close();
    });

    it("sees the edit of a packages/core helper outside its root and gives only the reaching node new hashes", async () => {
      const devCopy = copyMonorepo();
      server = await createServer({ ...viteConfig(devCopy), server: { port: 0 } });
      const load = async () =>
        ((await server!.ssrLoadModule("/src/pipeline.ts")) as { nodes: Array<{ meta: NodeReport }> }).nodes.map((node) => node.meta);
      const before = await load();
      expect(hashes(before)).toEqual(hashes((await withLoader(devCopy, makeTempDir("daft-cache-"))).nodes));

      devCopy.edit("packages/core/src/spaces.ts", "text.trim()", "text.trimStart().trimEnd()");
      let after = await load();
      for (let waited = 0; after[0]!.depsHashes[1] === before[0]!.depsHashes[1] && waited < 10_000; waited += 100) {
        await sleep(100);
        after = await load();
      }
      expect(after[0]!.depsHashes[1]).not.toBe(before[0]!.depsHashes[1]);
      expect(hashes(after).slice(1)).toEqual(hashes(before).slice(1));
      expect(hashes(after)).toEqual(hashes((await withLoader(devCopy, makeTempDir("daft-cache-"))).nodes));
    });
  });
});
