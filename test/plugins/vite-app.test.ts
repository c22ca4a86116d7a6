/**
 * fixtures/vite-app, a Vite project whose server-side script runs a cached pipeline, set up the
 * way the README says (`plugins: [daft()]` in vite.config.ts, the built `daft/vite`):
 *
 * - `vite build --ssr scripts/etl.ts`, the real CLI in a child process: the script runs with the
 *   Node loader's hashes, and its results are cache hits for the loader (and back);
 * - the dev server: after an edit two imports below a node, loading the module again gives that
 *   node new hashes (the plugin invalidates the importer through the module graph) and leaves
 *   the other nodes alone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { createTransformer } from "../../src/transform/index.js";
import { copyFixture, makeTempDir, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { linkPackages, type NodeReport } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

interface EtlRun {
  result: Record<string, unknown>;
  stats: { hits: number; misses: number };
  nodes: NodeReport[];
}

function copyViteApp(): FixtureCopy {
  const copy = copyFixture("vite-app");
  linkPackages(copy.dir, ["vite", "vitest", "tsx"]);
  return copy;
}

async function runEtl(copy: FixtureCopy, args: string[], cacheDir: string): Promise<EtlRun> {
  const { stdout } = await runNode(args, { cwd: copy.dir, env: { ...process.env, DAFT_CACHE_DIR: cacheDir } });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as EtlRun;
}

/** The transform core's hashes for src/pipeline/nodes.ts as it is on disk now. */
function nodeHashes(copy: FixtureCopy): Array<{ codeHash: string; depsHashes: string[] }> {
  const file = copy.path("src/pipeline/nodes.ts");
  return createTransformer()
    .transform(copy.read("src/pipeline/nodes.ts"), file)!
    .buildInfos.map(({ codeHash, depsHashes }) => ({ codeHash, depsHashes }));
}

describe("fixtures/vite-app", () => {
  it("vite build --ssr: the script runs with the loader's hashes and shares its cache", async () => {
    const copy = copyViteApp();
    await runNode(["node_modules/vite/bin/vite.js", "build", "--ssr", "scripts/etl.ts", "--outDir", "dist-scripts", "--logLevel", "warn"], {
      cwd: copy.dir,
    });
    const cacheDir = makeTempDir("daft-shared-cache-");
    const built = await runEtl(copy, ["dist-scripts/etl.js"], cacheDir);
    expect(built.result).toMatchObject({ totals: { count: 3, total: 242.75, mean: 80.92 }, regions: ["east", "north", "south"] });
    expect(built.stats).toEqual({ hits: 0, misses: 3 });
    expect(built.nodes.map((node) => node.hashSource)).toEqual(["build", "build", "build"]);
    expect(built.nodes.map(({ codeHash, depsHashes }) => ({ codeHash, depsHashes }))).toEqual(nodeHashes(copy));

    const loader = await runEtl(copy, ["--import", "tsx", "--import", "daft/loader", "scripts/etl.ts"], cacheDir);
    expect(loader.nodes).toEqual(built.nodes);
    expect(loader.stats).toEqual({ hits: 3, misses: 0 });
  });

  describe("dev server", () => {
    let server: ViteDevServer | undefined;
    afterAll(async () => {
      await server?.close();
    });

    it("gives a node new hashes when a file two imports below it changes, and only that node", async () => {
      const copy = copyViteApp();
      server = await createServer({ root: copy.dir, configFile: copy.path("vite.config.ts"), logLevel: "silent", server: { port: 0, strictPort: false } });
      type NodesModule = { nodes: Array<{ meta: NodeReport }> };
      const load = async () => ((await server!.ssrLoadModule("/src/pipeline/nodes.ts")) as NodesModule).nodes.map((node) => node.meta);

      const before = await load();
      expect(before.map((meta) => meta.hashSource)).toEqual(["build", "build", "build"]);
      expect(before.map(({ codeHash, depsHashes }) => ({ codeHash, depsHashes }))).toEqual(nodeHashes(copy));

      copy.edit("src/pipeline/math/round.ts", "Math.round(value * 100) / 100", "Math.round(value * 100) / 100 + 0");
      let after = await load();
      for (let waited = 0; after[1]!.depsHashes[1] === before[1]!.depsHashes[1] && waited < 10_000; waited += 100) {
        await sleep(100);
        after = await load();
      }
      expect(after[1]!.depsHashes[1]).not.toBe(before[1]!.depsHashes[1]);
      expect(after[1]!.depsHashes[0]).toBe(before[1]!.depsHashes[0]);
      expect(after.map(({ codeHash, depsHashes }) => ({ codeHash, depsHashes }))).toEqual(nodeHashes(copy));
      expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    });
  });
});
