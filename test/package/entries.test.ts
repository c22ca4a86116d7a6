/**
 * Every entry of the published package loads with `require()` (CommonJS config files are common
 * for webpack and rspack; Node ≥ 20.19 loads ES modules with `require()` unless their graph has a
 * top-level await) and with `import`, on Node 20, 22 and 24: each in its own child process, in a
 * fresh CommonJS project that installed the packed package with npm. What loads is checked too:
 * the same exports both ways, a plugin factory that makes a plugin, the same hash both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { OTHER_NODE_MAJORS, otherNode } from "../helpers/other-nodes.js";
import { freshProjectWithDaft } from "../helpers/packed-package.js";

afterAll(removeTempDirs);

const PLUGINS = ["daft/vite", "daft/rollup", "daft/rolldown", "daft/esbuild", "daft/webpack", "daft/rspack"];
const ENTRIES = ["daft", "daft/transform", "daft/loader", "daft/redis", ...PLUGINS];

/**
 * What a child reports about one entry: its export names, and a probe of the entry's job (a
 * hash, a transform, a plugin's name), printed as one JSON line.
 */
const PROBE = String.raw`
function probe(entry, m) {
  const names = Object.keys(m).filter((name) => name !== "__esModule" && name !== "module.exports").sort();
  if (entry === "daft") return { names, hash: m.hashValue({ a: [1, "x"] }) };
  if (entry === "daft/transform") {
    const result = m.transformCode('import { func } from "daft";\nexport const f = func({ output: "y" }, ({ x }) => x);\n', process.cwd() + "/f.mjs", { persistentCacheFile: false });
    return { names, injected: /codeHash/.test(result.code) };
  }
  if (entry === "daft/loader") return { names };
  if (entry === "daft/redis") return { names, cache: new m.RedisCache({ url: "redis://127.0.0.1:1" }).constructor.name };
  const plugin = m.default();
  const named = m.daft();
  return { names, plugin: (Array.isArray(plugin) ? plugin[0] : plugin).constructor.name, sameFactory: m.default === m.daft, made: typeof named };
}
`;

const REQUIRE_SCRIPT = `${PROBE}
const entry = process.argv[2];
console.log(JSON.stringify(probe(entry, require(entry))));
`;

const IMPORT_SCRIPT = `${PROBE}
const entry = process.argv[2];
console.log(JSON.stringify(probe(entry, await import(entry))));
`;

describe("every entry of the packed package loads with require() and import", () => {
  let project: FixtureCopy;
  beforeAll(async () => {
    project = await freshProjectWithDaft({ type: "commonjs" });
    project.write("load-require.cjs", REQUIRE_SCRIPT);
    project.write("load-import.mjs", IMPORT_SCRIPT);
  }, 300_000);

  const nodes: Array<[string, () => Promise<string>]> = [
    ["Node 20", async () => process.execPath],
    ...OTHER_NODE_MAJORS.map((major): [string, () => Promise<string>] => [`Node ${major}`, () => otherNode(major)]),
  ];

  for (const [label, binary] of nodes) {
    it(`on ${label}`, async () => {
      const node = await binary();
      for (const entry of ENTRIES) {
        const load = async (script: string) => {
          const { stdout, stderr } = await runNode([script, entry], { cwd: project.dir, node });
          expect(stderr, `${entry} (${script}) wrote to stderr`).toBe("");
          return JSON.parse(stdout.trim()) as Record<string, unknown>;
        };
        const required = await load("load-require.cjs");
        const imported = await load("load-import.mjs");
        expect(required, entry).toEqual(imported);
        if (entry === "daft") expect(required.names).toEqual(expect.arrayContaining(["func", "Pipeline", "Runner", "hashValue", "DiskCache"]));
        if (entry === "daft/transform") expect(required.injected).toBe(true);
        if (entry === "daft/redis") expect(required.cache).toBe("RedisCache");
        if (PLUGINS.includes(entry)) expect(required).toMatchObject({ names: ["daft", "default"], sameFactory: true, made: "object" });
      }
    }, 300_000);
  }
});
