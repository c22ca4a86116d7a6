// How long does TypeScript take to check a 50-node pipeline: `new Pipeline` (its edge types
// checked) and `runner.run` (inputs and result inferred), against the same 50 nodes declared
// without a pipeline (the baseline, in this process)? tsc runs as a child process, its "Check
// time" read from --extendedDiagnostics; each figure is the median of several rounds.
//
//   npm run build && node bench/pipeline-types.mjs [rounds=5] [--compare <other daft checkout, built>]
//
// With --compare, the same files are checked against the other checkout's declarations too
// (main before a change to the types, say), rounds alternating.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const compareAt = args.indexOf("--compare");
const other = compareAt >= 0 ? resolve(args[compareAt + 1]) : undefined;
const rounds = Number(args.find((arg, i) => /^\d+$/.test(arg) && args[i - 1] !== "--compare") ?? 5);
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");

const NODES = 50;

/** 50 nodes over run inputs `seed`, `query` and the map axis `doc`; a third of them mapped. */
function nodesSource() {
  const lines = ['import { func } from "daft";', "type Doc = { id: string; text: string };"];
  const kinds = ["number", "string", "{ score: number; label: string }"];
  const mapped = (i) => i % 3 === 0;
  const typeOf = (i) => kinds[i % kinds.length];
  // What node j's output looks like to node i: mapped into mapped is one item, else the array.
  const seen = (j, i) => (mapped(j) && !mapped(i) ? `${typeOf(j)}[]` : typeOf(j));
  const value = (i) => (typeOf(i) === "number" ? "1" : typeOf(i) === "string" ? '"s"' : '{ score: 1, label: "l" }');
  for (let i = 0; i < NODES; i++) {
    const params = [];
    if (mapped(i)) params.push(["doc", "Doc"]);
    if (i % 4 === 0) params.push(["seed", "number"]);
    if (i % 5 === 1) params.push(["query", "string"]);
    for (const j of [i - 1, i - 3, i - 7]) if (j >= 0 && params.length < 4) params.push([`v${j}`, seen(j, i)]);
    if (params.length === 0) params.push(["seed", "number"]);
    const names = params.map(([name]) => name).join(", ");
    const types = params.map(([name, type]) => `${name}: ${type}`).join("; ");
    const options = `{ output: "v${i}", cache: true${mapped(i) ? ', mapAxis: "doc"' : ""} }`;
    lines.push(`export const n${i} = func(${options}, ({ ${names} }: { ${types} }) => (${value(i)}) as ${typeOf(i)});`);
  }
  return lines.join("\n") + "\n";
}

const list = Array.from({ length: NODES }, (_, i) => `n${i}`).join(", ");
const FILES = {
  "nodes.ts": nodesSource(),
  "baseline.ts": `import { ${list} } from "./nodes.js";\nexport const all = [${list}] as const;\n`,
  "pipeline.ts":
    `import { Pipeline } from "daft";\nimport { ${list} } from "./nodes.js";\n` +
    `export const pipeline = new Pipeline({ functions: [${list}] });\n`,
  "full-run.ts":
    `import { Pipeline, Runner } from "daft";\nimport { ${list} } from "./nodes.js";\n` +
    `export const pipeline = new Pipeline({ functions: [${list}] });\n` +
    `const out = await new Runner().run(pipeline, { seed: 1, query: "q", doc: [{ id: "a", text: "t" }] });\n` +
    `export const last: string = out.v47.label + out.v49 + out.v48.length;\n`,
  "partial-run.ts":
    `import { Pipeline, Runner } from "daft";\nimport { ${list} } from "./nodes.js";\n` +
    `export const pipeline = new Pipeline({ functions: [${list}] });\n` +
    `const out = await new Runner().run(pipeline, { seed: 1, query: "q", doc: [{ id: "a", text: "t" }], v40: "s" }, { outputs: ["v47"], pin: ["v40"] });\n` +
    `export const last: string = out.v47.label;\n`,
};

/** A project holding the files, with `daft` resolving to the declarations of `checkout`. */
function project(checkout) {
  const dir = mkdtempSync(join(tmpdir(), "daft-bench-types-"));
  symlinkSync(checkout, join(dir, "daft-link"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A tsconfig that checks `file` alone (and what it imports). */
function tsconfigFor(file) {
  const compilerOptions = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    paths: { daft: ["./daft-link/dist/src/index.d.ts"] },
  };
  return JSON.stringify({ compilerOptions, files: [file] });
}

/** Check time in ms (tsc --extendedDiagnostics), or the compiler's errors. */
function checkTime(dir) {
  let output;
  try {
    output = execFileSync(process.execPath, [tsc, "-p", "tsconfig.json", "--extendedDiagnostics"], { cwd: dir, encoding: "utf8" });
  } catch (error) {
    return { error: `${error.stdout ?? ""}`.split("\n").filter((line) => line.includes("error")).slice(0, 3).join(" | ") || String(error) };
  }
  return { ms: Number(/Check time:\s+([\d.]+)s/.exec(output)[1]) * 1000, types: Number(/Types:\s+(\d+)/.exec(output)[1]) };
}

function measure(dir, file) {
  writeFileSync(join(dir, "tsconfig.json"), tsconfigFor(file));
  const times = [];
  let types = 0;
  for (let round = 0; round < rounds; round++) {
    const result = checkTime(dir);
    if (result.error) return { error: result.error };
    times.push(result.ms);
    types = result.types;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1), types };
}

const checkouts = [["this checkout", repo], ...(other ? [[`--compare ${other}`, other]] : [])];
const dirs = checkouts.map(([, checkout]) => project(checkout));
const rows = [];
try {
  for (const file of Object.keys(FILES).filter((name) => name !== "nodes.ts")) {
    checkouts.forEach(([label], index) => {
      const result = measure(dirs[index], file);
      rows.push({ label, file, ...result });
    });
  }
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

const baselineOf = (label) => rows.find((row) => row.label === label && row.file === "baseline.ts");
console.log(`tsc check time of ${NODES} nodes (median of ${rounds} rounds; Node ${process.version})\n`);
console.table(
  rows.map((row) => {
    if (row.error) return { checkout: row.label, file: row.file, result: `type errors: ${row.error.slice(0, 120)}` };
    const base = baselineOf(row.label);
    return {
      checkout: row.label,
      file: row.file,
      "check ms (median)": row.median.toFixed(0),
      "range ms": `${row.min.toFixed(0)}–${row.max.toFixed(0)}`,
      types: row.types,
      "vs baseline (extra ms)": row.file === "baseline.ts" ? "" : `+${(row.median - base.median).toFixed(0)}`,
    };
  }),
);
