// Build info without the loader: what a process pays when its cached nodes get their build info
// at run time (from their call sites, through the transform cache) instead of from
// `node --import daft/loader`, on Node 20, where the loader's module.register hooks cost most.
//
//   npm run build && node bench/runtime-build-info.mjs [runs]
//
// The app (generated in bench/.out/runtime-build-info/) has 200 ES modules of ~1.5 KB; 20 of
// them declare two cached func nodes each and import two helper modules; the entry imports them
// all and runs one pipeline of the 40 nodes on a MemoryCache (so every call runs). Loader and
// plain runs alternate, after warm-up runs that fill the transform cache; figures are medians of
// `runs` (default 30) whole processes, wall and CPU time (all threads). The entry also measures,
// in process, the first use of the nodes' build info (`meta.codeHash` of all 40 nodes): the
// whole cost of the runtime path when the cache is warm, and when it is cold (cache removed
// before each run, 10 runs).
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MODULES, WITH_NODES, writeAppModules } from "./startup-app.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 30);

function generateApp(dir) {
  const imports = [];
  const nodes = [];
  for (const { name, n, hasNodes } of writeAppModules(dir, repo, "runtime-build-app")) {
    if (!hasNodes) {
      imports.push(`import * as ${name} from "./src/${name}.mjs";`);
      continue;
    }
    imports.push(`import { first as first${n}, second as second${n} } from "./src/${name}.mjs";`);
    nodes.push(`first${n}`, `second${n}`);
  }
  writeFileSync(
    join(dir, "app.mjs"),
    `import { writeSync } from "node:fs";\nimport { CacheConfig, MemoryCache, Pipeline, Runner } from "daft";\n${imports.join("\n")}\n\n` +
      `const nodes = [${nodes.join(", ")}];\n` +
      `const started = performance.now();\nfor (const node of nodes) void node.meta.codeHash;\nconst buildInfoMs = performance.now() - started;\n` +
      `const runner = new Runner({ cacheConfig: new CacheConfig({ enabled: true, backend: new MemoryCache(), verbose: false }) });\n` +
      `await runner.run(new Pipeline({ functions: nodes }), { x: 3 });\n` +
      `const sources = new Set(nodes.map((node) => node.meta.hashSource));\n` +
      `writeSync(2, \`\\nbuild-info-ms \${buildInfoMs} sources \${[...sources].join(",")}\\n\`);\n` +
      `process.on("exit", () => { const { user, system } = process.cpuUsage(); writeSync(2, \`\\ncpu-us \${user + system}\\n\`); });\n`,
  );
}

/** One whole process: `{ wall, cpu, buildInfo }` in milliseconds. */
function timeRun(args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...args, "app.mjs"], { cwd, encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} app.mjs failed:\n${result.stderr}`);
  const sources = /sources (\S+)/.exec(result.stderr)?.[1];
  if (sources !== "build") throw new Error(`expected build info from the build for every node, got ${sources}:\n${result.stderr}`);
  return { wall, cpu: Number(/cpu-us (\d+)/.exec(result.stderr)?.[1]) / 1000, buildInfo: Number(/build-info-ms ([\d.]+)/.exec(result.stderr)?.[1]) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const range = (values) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;

const appDir = join(repo, "bench", ".out", "runtime-build-info");
generateApp(appDir);
const cache = join(appDir, "node_modules", ".cache", "daft");
const LOADER = ["--import", "daft/loader"];

const cold = [];
for (let i = 0; i < Math.min(runs, 10); i++) {
  rmSync(cache, { recursive: true, force: true });
  cold.push(timeRun([], appDir));
}
// Warm-up: fill the transform cache (each way), then let the files' mtimes age past the
// transform's racy window (2 s), so warm runs answer by stat.
timeRun(LOADER, appDir);
timeRun([], appDir);
await new Promise((done) => setTimeout(done, 2500));
timeRun(LOADER, appDir);
timeRun([], appDir);

const plain = [];
const loader = [];
for (let i = 0; i < runs; i++) {
  plain.push(timeRun([], appDir));
  loader.push(timeRun(LOADER, appDir));
}

const rows = [];
for (const key of ["wall", "cpu"]) {
  const loaderMs = median(loader.map((time) => time[key]));
  const plainMs = median(plain.map((time) => time[key]));
  rows.push({
    time: key === "wall" ? "wall" : "CPU",
    "loader ms (baseline)": `${loaderMs.toFixed(1)} (${range(loader.map((time) => time[key]))})`,
    "no loader, runtime build info ms": `${plainMs.toFixed(1)} (${range(plain.map((time) => time[key]))})`,
    "no loader / loader": (plainMs / loaderMs).toFixed(3),
    "no loader, cold transform cache ms": median(cold.map((time) => time[key])).toFixed(1),
  });
}
console.log(`${process.version}: ${MODULES} modules, ${WITH_NODES * 2} cached nodes run once each; median (range) of ${runs} processes`);
console.table(rows);
console.log("first use of the 40 nodes' build info, in process (ms):");
console.table([
  { run: "with the loader (injected)", median: median(loader.map((time) => time.buildInfo)).toFixed(2), range: range(loader.map((time) => time.buildInfo)) },
  { run: "no loader, warm cache", median: median(plain.map((time) => time.buildInfo)).toFixed(2), range: range(plain.map((time) => time.buildInfo)) },
  { run: "no loader, cold cache", median: median(cold.map((time) => time.buildInfo)).toFixed(2), range: range(cold.map((time) => time.buildInfo)) },
]);
