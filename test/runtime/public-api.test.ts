/**
 * The public API of every package entry: the names each one exports at run time, imported from
 * the built package through package.json "exports" by a project that depends on it. A name added
 * or lost shows here; so does an entry added to "exports" without a line below.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";

afterAll(removeTempDirs);

/** One line per entry of package.json "exports" (code entries; `./package.json` is data). */
const EXPORTED: Record<string, string[]> = {
  ".": ["CacheConfig", "DaftError", "DefinitionError", "DiskCache", "InputHashError", "MemoryCache", "NodeError", "NotStorableError", "NotTransferableError", "Pipeline", "PipelineOnImportError", "ResolutionError", "Runner", "UnhashableValueError", "func", "hashValue", "pipelineToDot", "pipelineToMermaid", "pipelineToSvg"],
  "./transform": ["DEFAULT_MAX_DEPENDENCY_DEPTH", "IN_NODE_MODULES", "MAX_DEPS_FILES", "NAMES_DAFT", "SOURCE_ID", "SOURCE_PATH", "TRANSFORM_CACHE_FILE", "createTransformer", "isInNodeModules", "mentionsDaft", "mightContainFunc", "shouldTransform", "transformCacheFile", "transformCode", "transformablePath"],
  "./vite": ["daft", "default"],
  "./rollup": ["daft", "default"],
  "./esbuild": ["daft", "default"],
  "./webpack": ["daft", "default"],
  "./rspack": ["daft", "default"],
  "./rolldown": ["daft", "default"],
  "./redis": ["CONNECT_TIMEOUT_MS", "DEFAULT_PREFIX", "DEFAULT_REDIS_URL", "RedisCache", "RedisConnectionError"],
  "./loader": [],
};

const packageJson = JSON.parse(readFileSync(`${repoRoot}/package.json`, "utf8")) as { name: string; exports: Record<string, unknown> };
const specifier = (entry: string) => (entry === "." ? packageJson.name : `${packageJson.name}/${entry.slice(2)}`);

describe("public API", () => {
  it("has a line for every code entry of package.json exports", () => {
    const entries = Object.keys(packageJson.exports).filter((entry) => entry !== "./package.json");
    expect(Object.keys(EXPORTED).sort()).toEqual(entries.sort());
  });

  it("exports exactly the listed names from each entry", async () => {
    const project = copyFixture("public-api");
    // The loader last: importing it registers its hooks, which would then load the other entries.
    const entries = Object.keys(EXPORTED).sort((a, b) => Number(a === "./loader") - Number(b === "./loader"));
    const { stdout } = await runNode(["list-exports.mjs", ...entries.map(specifier)], { cwd: project.dir });
    const exported = JSON.parse(stdout) as Record<string, string[]>;
    for (const entry of entries) expect({ entry, names: exported[specifier(entry)] }).toEqual({ entry, names: [...EXPORTED[entry]!].sort() });
  });
});
