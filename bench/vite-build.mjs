// npm run build && node bench/vite-build.mjs [rounds]
//
// What daft/vite adds to `vite build`: a generated project of 1,000 TypeScript modules (an import
// tree ten levels deep, every module typed) of which 50 declare a `func` node, built as an SSR
// bundle in this process:
//   - without the plugin (the baseline);
//   - with daft/vite and no transform cache file (every build parses and hashes the closures of
//     the 50 nodes: the cost of a cold CI build);
//   - with daft/vite and its default cache file, warm from the previous round (a developer's
//     rebuild, or CI with node_modules/.cache restored).
// The three kinds of build alternate within each round, after one warm-up round, in an order that
// rotates from round to round: a build pays for some of the garbage the one before it left (a cold
// build leaves the ASTs of 1,000 files), so each kind follows each other kind as often. The table shows
// the median of each, its ratio to the baseline (the median of the ratios within each round, which
// machine drift between rounds does not move), and the time spent inside the plugin's hooks
// (measured around them, so it is free of the noise of the rest of the build). Target: ≤ 1.10×.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import daft from "../dist/plugins/vite.js";

const MODULES = 1000;
const NODES = 50;
const ROUNDS = Number(process.argv[2] ?? 15);
/** Rounds of builds in fresh processes (each costs a process start and Vite's import). */
const PROCESS_ROUNDS = Math.max(3, Math.round(ROUNDS / 2));
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Module i imports modules 2i+1 and 2i+2; every 20th module declares a node. */
function generateProject() {
  const dir = mkdtempSync(join(tmpdir(), "daft-bench-vite-"));
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(repo, join(dir, "node_modules", "daft"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-app", private: true, type: "module" }));
  const name = (i) => `m${String(i).padStart(4, "0")}`;
  for (let i = 0; i < MODULES; i++) {
    const children = [2 * i + 1, 2 * i + 2].filter((child) => child < MODULES);
    const hasNode = i % (MODULES / NODES) === 0;
    const lines = [];
    if (hasNode) lines.push(`import { func } from "daft";`);
    for (const child of children) lines.push(`import { value as ${name(child)} } from "./${name(child)}.ts";`);
    lines.push(
      "",
      `export interface Row${i} { id: number; label: string; weight: number }`,
      "",
      `export function value(rows: Row${i}[] = [{ id: ${i}, label: "r${i}", weight: ${i % 7} }]): number {`,
      `  let total = 0;`,
      `  for (const row of rows) total += row.id * row.weight + row.label.length;`,
      `  return total${children.map((child) => ` + ${name(child)}()`).join("")};`,
      `}`,
    );
    if (hasNode) {
      lines.push(
        "",
        `export const node${i} = func({ output: "out${i}", cache: true }, ({ scale = 1 }: { scale?: number }) => value() * scale);`,
      );
    }
    writeFileSync(join(dir, "src", `${name(i)}.ts`), lines.join("\n") + "\n");
  }
  const nodeModules = Array.from({ length: NODES }, (_, k) => k * (MODULES / NODES));
  writeFileSync(
    join(dir, "src", "main.ts"),
    nodeModules.map((i) => `import { node${i} } from "./${name(i)}.ts";`).join("\n") +
      `\nexport const nodes = [${nodeModules.map((i) => `node${i}`).join(", ")}];\n` +
      `console.log(nodes.length);\n`,
  );
  return dir;
}

/** The plugin, with the time spent in its hooks added to `spent.ms` (a figure free of build noise). */
function timedDaft(options, spent) {
  const plugin = daft(options);
  const wrap = (fn) =>
    function (...args) {
      const started = performance.now();
      try {
        return fn.apply(this, args);
      } finally {
        spent.ms += performance.now() - started;
      }
    };
  plugin.transform.handler = wrap(plugin.transform.handler);
  plugin.buildStart = wrap(plugin.buildStart);
  plugin.buildEnd = wrap(plugin.buildEnd);
  return plugin;
}

async function viteBuild(dir, pluginOptions) {
  const spent = { ms: 0 };
  const started = performance.now();
  await build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    plugins: pluginOptions ? [timedDaft(pluginOptions, spent)] : [],
    ssr: { external: ["daft"] },
    build: { ssr: "src/main.ts", outDir: "dist", emptyOutDir: true, minify: false },
  });
  return { wall: performance.now() - started, inPlugin: spent.ms };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// `node vite-build.mjs --one-build <dir> <plugin options as JSON, or "none">`: one build in this
// fresh process (as `vite build` runs from the command line); prints its figures as JSON.
if (process.argv[2] === "--one-build") {
  const options = process.argv[4] === "none" ? undefined : JSON.parse(process.argv[4]);
  console.log(JSON.stringify(await viteBuild(process.argv[3], options)));
  process.exit(0);
}

const KINDS = {
  "vite build (no plugin)": undefined,
  "+ daft/vite, no transform cache": { cache: false },
  "+ daft/vite, warm cache file": {},
};

/**
 * Runs every kind once per round, in an order that rotates from round to round, after one
 * warm-up round; `build(options)` makes one build. Returns each kind's walls and hook times.
 */
async function measure(rounds, build) {
  const times = Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, { wall: [], inPlugin: [] }]));
  const order = Object.entries(KINDS);
  for (let round = -1; round < rounds; round++) {
    const shift = (round + 1) % order.length;
    for (const [kind, options] of [...order.slice(shift), ...order.slice(0, shift)]) {
      const { wall, inPlugin } = await build(options);
      if (round < 0) continue;
      times[kind].wall.push(wall);
      times[kind].inPlugin.push(inPlugin);
    }
  }
  return times;
}

function inFreshProcess(dir, options) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--one-build", dir, options ? JSON.stringify(options) : "none"], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout);
}

function table(title, times) {
  const baselineWalls = times["vite build (no plugin)"].wall;
  const header = ["build", "median wall time", "ratio", "time in daft's hooks"];
  const rows = Object.entries(times).map(([kind, { wall, inPlugin }]) => [
    kind,
    `${median(wall).toFixed(0)} ms`,
    `${median(wall.map((value, round) => value / baselineWalls[round])).toFixed(2)}×`,
    kind.startsWith("+") ? `${median(inPlugin).toFixed(1)} ms` : "",
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

const dir = generateProject();
let repeated;
let separate;
try {
  repeated = await measure(ROUNDS, (options) => viteBuild(dir, options));
  separate = await measure(PROCESS_ROUNDS, async (options) => inFreshProcess(dir, options));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`${MODULES} modules, ${NODES} func nodes (Node ${process.version})`);
table(`Builds in one process (a watch session, repeated builds): median of ${ROUNDS} rounds`, repeated);
table(`One build per process (vite build from the command line): median of ${PROCESS_ROUNDS} rounds`, separate);
