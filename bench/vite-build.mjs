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
// The three kinds of build alternate within each round, after one warm-up round; the table shows
// the median of each, its ratio to the baseline, and the time spent inside the plugin's hooks
// (measured around them, so it is free of the noise of the rest of the build). Target: ≤ 1.10×.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import daft from "../dist/plugins/vite.js";

const MODULES = 1000;
const NODES = 50;
const ROUNDS = Number(process.argv[2] ?? 7);
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

const dir = generateProject();
const kinds = {
  "vite build (no plugin)": () => viteBuild(dir, undefined),
  "+ daft/vite, no transform cache": () => viteBuild(dir, { cache: false }),
  "+ daft/vite, warm cache file": () => viteBuild(dir, {}),
};
const times = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, { wall: [], inPlugin: [] }]));
try {
  for (let round = -1; round < ROUNDS; round++) {
    for (const [kind, run] of Object.entries(kinds)) {
      const { wall, inPlugin } = await run();
      if (round < 0) continue;
      times[kind].wall.push(wall);
      times[kind].inPlugin.push(inPlugin);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const baseline = median(times["vite build (no plugin)"].wall);
const header = ["build", "median wall time", "ratio", "time in daft's hooks"];
const rows = Object.entries(times).map(([kind, { wall, inPlugin }]) => [
  kind,
  `${median(wall).toFixed(0)} ms`,
  `${(median(wall) / baseline).toFixed(2)}×`,
  kind.startsWith("+") ? `${median(inPlugin).toFixed(1)} ms` : "",
]);
console.log(`${MODULES} modules, ${NODES} func nodes, median of ${ROUNDS} rounds (Node ${process.version})\n`);
const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
for (const row of rows) console.log(line(row));
