/**
 * `DEBUG=daft:*`: the namespace rules of the `debug` convention, and real runs under the loader
 * that log what the loader, the transform, the runner and the disk cache did — and nothing at
 * all when DEBUG does not ask for them.
 */
import { afterAll, describe, expect, it } from "vitest";
import { namespaceEnabled, parseDebugPatterns } from "../../src/debug/index.js";
import { removeTempDirs } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { childEnv, copyCliProject, daft, runPipeline } from "../helpers/cli.js";

afterAll(removeTempDirs);

const NAMESPACES = ["daft:runner", "daft:cache", "daft:transform", "daft:loader", "daft:cli"];

function enabledBy(debug: string): string[] {
  const patterns = parseDebugPatterns(debug);
  return NAMESPACES.filter((namespace) => namespaceEnabled(namespace, patterns));
}

/** The namespaces that wrote at least one line. */
function namespacesIn(stderr: string): string[] {
  return [...new Set(stderr.split("\n").flatMap((line) => /^(daft:[a-z]+) /.exec(line)?.[1] ?? []))].sort();
}

describe("DEBUG namespace patterns", () => {
  it("follows the debug package's rules: lists, wildcards, exclusions", () => {
    expect(enabledBy("daft:*")).toEqual(NAMESPACES);
    expect(enabledBy("*")).toEqual(NAMESPACES);
    expect(enabledBy("")).toEqual([]);
    expect(enabledBy("express:*,vite:*")).toEqual([]);
    expect(enabledBy("daft:runner,daft:cache")).toEqual(["daft:runner", "daft:cache"]);
    expect(enabledBy("daft:runner  daft:loader")).toEqual(["daft:runner", "daft:loader"]);
    expect(enabledBy("daft:*,-daft:loader")).toEqual(["daft:runner", "daft:cache", "daft:transform", "daft:cli"]);
    expect(enabledBy("-daft:loader,daft:*")).toEqual(["daft:runner", "daft:cache", "daft:transform", "daft:cli"]);
    expect(enabledBy("daft:c*")).toEqual(["daft:cache", "daft:cli"]);
    expect(enabledBy("daft")).toEqual([]);
  });
});

describe("DEBUG=daft:* in a real run", () => {
  it("logs the loader, transform, runner and cache to stderr, and says why a node missed", async () => {
    const project = copyCliProject();
    const first = await runPipeline(project.dir, { count: 2 }, { DEBUG: "daft:*" });
    expect(namespacesIn(first.stderr)).toEqual(["daft:cache", "daft:loader", "daft:runner", "daft:transform"]);
    const pipelineUrl = new URL(`file://${project.path("src/pipeline.mjs")}`).href;
    expect(first.stderr).toContain(`daft:loader build info injected into ${pipelineUrl} +`);
    expect(first.stderr).toMatch(new RegExp(`^daft:transform ${project.path("src/pipeline.mjs")}: 4 func call\\(s\\), `, "m"));
    expect(first.stderr).toMatch(/^daft:runner run: 4 nodes, inputs x, docs, query, cache DiskCache \+\d+ms$/m);
    expect(first.stderr).toMatch(/^daft:runner node "scores" scores::doc-1 miss \(new\) [\d.]+ms stored \+\d+ms$/m);
    expect(first.stderr).toMatch(/^daft:runner node "summary" summary no-cache [\d.]+ms \+\d+ms$/m);
    expect(first.stderr).toMatch(/^daft:runner run finished in [\d.]+ms: 0 hits, 4 misses, 1 not cached, 0 not stored \+\d+ms$/m);
    expect(first.stderr).toMatch(new RegExp(`^daft:cache flush ${project.path(".cache")}: 4 signatures, 0 uses`, "m"));
    // stdout is the program's own: the same report with or without DEBUG.
    expect(first.events.map((event) => event.status)).toEqual(["miss", "miss", "miss", "miss", "no-cache"]);

    project.edit("src/helpers/format.mjs", "`${doc.id}: ${doc.title}`", "`${doc.title} (${doc.id})`");
    const second = await runPipeline(project.dir, { count: 2 }, { DEBUG: "daft:runner" });
    expect(namespacesIn(second.stderr)).toEqual(["daft:runner"]);
    expect(second.stderr).toMatch(/^daft:runner node "scores" scores::doc-0 miss \(deps: src\/helpers\/format\.mjs\) /m);
    expect(second.stderr).toMatch(/^daft:runner node "doubled" doubled hit /m);
  });

  it("writes nothing without DEBUG, with other namespaces, or for excluded ones", async () => {
    const project = copyCliProject();
    const quiet = await runPipeline(project.dir, { count: 2 });
    expect(quiet.stderr).toBe("");
    const other = await runPipeline(project.dir, { count: 2 }, { DEBUG: "express:*,vite:*" });
    expect(other.stderr).toBe("");
    const excluded = await runPipeline(project.dir, { count: 3 }, { DEBUG: "daft:*,-daft:loader,-daft:transform" });
    expect(namespacesIn(excluded.stderr)).toEqual(["daft:cache", "daft:runner"]);
  });

  it("reads DEBUG once, when daft loads: setting it later changes nothing", async () => {
    const project = copyCliProject();
    const script = [
      'import { CacheConfig, MemoryCache, Runner } from "daft";',
      'import { pipeline } from "./src/pipeline.mjs";',
      'import { documents } from "./src/documents.mjs";',
      'process.env.DEBUG = "daft:*";',
      "const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false }), progress: false });",
      'await runner.run(pipeline, { x: 1, docs: documents(2), query: "ipsum" });',
    ].join("\n");
    const result = await runNode(["--input-type=module", "-e", script], { cwd: project.dir, env: childEnv() });
    expect(result.stderr).toBe("");
  });

  it("logs what daft run starts under daft:cli", async () => {
    const project = copyCliProject();
    const result = await daft(["run", "script-exit.mjs", "0"], project.dir, { env: { DEBUG: "daft:cli" } });
    expect(result.code).toBe(0);
    expect(namespacesIn(result.stderr)).toEqual(["daft:cli"]);
    expect(result.stderr).toContain(`daft:cli spawn ${process.execPath} --import ${new URL("../../dist/loader/index.js", import.meta.url).href} -- script-exit.mjs 0 +`);
    expect(result.stderr).toMatch(/^daft:cli script exited with 0 /m);
  });
});
