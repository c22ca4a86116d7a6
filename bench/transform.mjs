// npm run build && node bench/transform.mjs
//
// What the daft transform costs per module, against baselines measured in this process:
//   1. a module without `func` calls (what the loader sees for almost every file): target < 20 µs;
//   2. a 10 KB module with calls: whole-transform cache hit, and re-transform after an edit with
//      warm dependency caches (target ≤ 2 ms), against Babel's parse of the same code;
//   3. dependency hashing over a generated 1,000-file project: cold (every file parsed), warm
//      from the cache file (stats only), warm in memory;
//   4. start-up: importing daft/transform in a fresh process, against `node -e ""`.
// Each figure is the median of several timed rounds after a warm-up.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTransformer, mightContainFunc } from "../dist/src/transform/index.js";
// The parser daft's transform uses, with its options: a baseline parsed with other Babel plugins
// would make Babel build a second parser class, and both would run slower in this process.
import { parseModule, sourceKindOf } from "../dist/src/transform/cold/parser.js";

const ROUNDS = 7;

/**
 * Median time of one call of `fn`, in ms, over ROUNDS rounds of at least `roundMs` each, after
 * a warm-up round of at least `warmUpMs` (a slow call needs hundreds of runs before V8 has
 * compiled what it runs, as in a dev server's long life; a short warm-up measures the JIT).
 */
function timeOf(fn, roundMs = 100, warmUpMs = roundMs) {
  const times = [];
  for (let round = -1; round < ROUNDS; round++) {
    let calls = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < (round < 0 ? warmUpMs : roundMs) || calls < 3) {
      fn(calls);
      calls++;
      elapsed = performance.now() - started;
    }
    if (round >= 0) times.push(elapsed / calls);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Median of single runs (for things too slow or stateful to loop). */
function timeOnce(setup, fn, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const state = setup();
    const started = performance.now();
    fn(state);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function format(ms) {
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  return `${ms.toFixed(2)} ms`;
}

const rows = [];
function row(question, measured, baselineName, baseline) {
  rows.push([question, format(measured), baselineName, format(baseline), `${(measured / baseline).toFixed(2)}×`]);
}

const work = mkdtempSync(join(tmpdir(), "daft-bench-transform-"));
const past = new Date(Date.now() - 3_600_000);
function write(path, content) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  utimesSync(path, past, past); // an old checkout: stored records are trusted on size + mtime
}

try {
  // ---- 1 & 2: one project with a plain module and a 10 KB module with calls ----------------
  const app = join(work, "app");
  write(join(app, "package.json"), '{ "name": "bench-app", "type": "module" }');
  for (const name of ["format", "stats", "io"]) {
    write(join(app, "src", `${name}.ts`), `export function ${name}(value: number): number {\n  return value * ${name.length};\n}\n`);
  }
  let plain = "import { readFileSync } from 'node:fs';\n";
  for (let i = 0; plain.length < 10_000; i++) {
    plain += `\n/** Helper ${i}. */\nexport function helper${i}(values: number[], factor = ${i}): number {\n  let total = 0;\n  for (const value of values) total += value * factor;\n  return total / Math.max(values.length, 1);\n}\n`;
  }
  write(join(app, "src", "plain.ts"), plain);

  /** A 10 KB pipeline module: helpers, types, imports, and a call every `spacing` helpers. */
  const pipelineModule = (spacing) => {
    let code = 'import { func } from "daft";\nimport { format } from "./format.js";\nimport { stats } from "./stats.js";\nimport { io } from "./io.js";\n';
    code += "\ninterface Row { id: string; value: number }\nconst SCALE = 3;\n";
    for (let i = 0; code.length < 10_000; i++) {
      code += `\n/** Weighted total of helper ${i}. */\nfunction helper${i}(rows: Row[]): number {\n  let total = ${i};\n  for (const row of rows) {\n    if (row.value > ${i}) total += row.value * SCALE;\n    else total -= row.value;\n  }\n  return total;\n}\n`;
      if (i % spacing === 0) {
        code += `\nexport const node${i} = func({ output: "out${i}", cache: true }, ({ rows, offset = ${i} }: { rows: Row[]; offset?: number }) =>\n  ${["format", "stats", "io"][i % 3]}(helper${i}(rows)) + offset,\n);\n`;
      }
    }
    return code;
  };
  const withCalls = pipelineModule(3);
  const dense = pipelineModule(1);
  const callsFile = join(app, "src", "pipeline.ts");
  const denseFile = join(app, "src", "dense.ts");
  write(callsFile, withCalls);
  write(denseFile, dense);
  const plainFile = join(app, "src", "plain.ts");

  const transformer = createTransformer();
  const cold = createTransformer();
  cold.transform(withCalls, callsFile); // load the parser before timing anything else
  const callCount = cold.transform(withCalls, callsFile).buildInfos.length;

  row(
    "no-call module: transform()",
    timeOf(() => transformer.transform(plain, plainFile)),
    "readFileSync of it",
    timeOf(() => readFileSync(plainFile, "utf8")),
  );
  row(
    "no-call module: mightContainFunc()",
    timeOf(() => mightContainFunc(plain)),
    "code.includes('x')",
    timeOf(() => plain.includes("\u0001")),
  );

  // The edits first: a tight loop of bare parses before them leaves V8 tuned to that loop, and
  // the transform then measured up to 2-3× slower than in a process that only transforms.
  const edited = timeOf((i) => transformer.transform(`${withCalls}\n// edit ${i}\n`, callsFile), 100, 1500);
  const denseCalls = cold.transform(dense, denseFile).buildInfos.length;
  const denseEdited = timeOf((i) => transformer.transform(`${dense}\n// edit ${i}\n`, denseFile), 100, 1500);
  const TYPESCRIPT = sourceKindOf("module.ts");
  const babelParse = timeOf(() => parseModule(withCalls, TYPESCRIPT));
  transformer.transform(withCalls, callsFile);
  row(
    `10 KB, ${callCount} calls: warm hit (same code)`,
    timeOf(() => transformer.transform(withCalls, callsFile)),
    "Babel parse of it (as daft parses)",
    babelParse,
  );
  row(
    `10 KB, ${callCount} calls: warm hit + source map`,
    timeOf(() => transformer.transform(withCalls, callsFile).map),
    "Babel parse of it (as daft parses)",
    babelParse,
  );
  row(`10 KB, ${callCount} calls: edited, deps warm`, edited, "Babel parse of it (as daft parses)", babelParse);
  row(`10 KB, ${denseCalls} calls: edited, deps warm`, denseEdited, "Babel parse of it (as daft parses)", timeOf(() => parseModule(dense, TYPESCRIPT)));

  // ---- 3: a generated 1,000-file project, each file importing three others ------------------
  const big = join(work, "big");
  const FILES = 1000;
  write(join(big, "package.json"), '{ "name": "bench-big", "type": "module" }');
  const files = [];
  for (let i = 0; i < FILES; i++) {
    const imports = [1, 2, 3].map((k) => 3 * i + k).filter((j) => j < FILES);
    let code = imports.map((j) => `import { f${j} } from "./m${j}.js";`).join("\n");
    code += `\n\n/** Module ${i}. */\nexport function f${i}(x: number): number {\n  const base: number = x * ${i};\n`;
    code += `  return base${imports.map((j) => ` + f${j}(x - 1)`).join("")};\n}\n`;
    code += `\nexport const table${i} = { id: "m${i}", weights: [${i}, ${i + 1}, ${i + 2}] };\n`;
    const path = join(big, "src", `m${i}.ts`);
    write(path, code);
    files.push(path);
  }
  const entryFile = join(big, "src", "entry.ts");
  const entry = 'import { func } from "daft";\nimport { f0 } from "./m0.js";\n\nexport const top = func({ output: "top" }, ({ x }: { x: number }) => f0(x));\n';
  write(entryFile, entry);
  const cacheFile = join(big, ".cache", "daft-transform.json");

  const check = createTransformer().transform(entry, entryFile);
  const reached = check.watchFiles.filter((file) => file.endsWith(".ts")).length;

  const readAll = timeOnce(() => undefined, () => files.forEach((file) => readFileSync(file, "utf8")));
  const statAll = timeOnce(() => undefined, () => files.forEach((file) => statSync(file)));
  const parseAll = timeOnce(
    () => files.map((file) => readFileSync(file, "utf8")),
    (codes) => codes.forEach((code) => parseModule(code, TYPESCRIPT)),
  );

  row(
    `${reached}-file closure: cold (parse all)`,
    timeOnce(() => createTransformer(), (t) => t.transform(entry, entryFile)),
    "Babel parse of all (as daft parses)",
    parseAll,
  );
  rmSync(cacheFile, { force: true });
  const seeded = createTransformer({ persistentCacheFile: cacheFile });
  seeded.transform(entry, entryFile);
  seeded.save();
  let edit = 0;
  row(
    `${reached}-file closure: cache file, entry edited`,
    timeOnce(
      () => createTransformer({ persistentCacheFile: cacheFile }),
      (t) => t.transform(`${entry}// ${edit++}\n`, entryFile),
    ),
    "statSync of all",
    statAll,
  );
  row(
    `${reached}-file closure: cache file, whole-transform hit`,
    timeOnce(() => createTransformer({ persistentCacheFile: cacheFile }), (t) => t.transform(entry, entryFile)),
    "statSync of all",
    statAll,
  );
  const memory = createTransformer();
  memory.transform(entry, entryFile);
  row(
    `${reached}-file closure: in memory, entry edited`,
    timeOf((i) => memory.transform(`${entry}// ${i}\n`, entryFile)),
    "readFileSync of all",
    readAll,
  );

  // ---- 4: start-up cost of importing the transform ------------------------------------------
  const moduleUrl = new URL("../dist/src/transform/index.js", import.meta.url).href;
  const startup = (args) => timeOnce(() => undefined, () => execFileSync(process.execPath, args), 9);
  row(
    "process start + import daft/transform",
    startup(["--input-type=module", "-e", `await import(${JSON.stringify(moduleUrl)})`]),
    'node -e ""',
    startup(["-e", ""]),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

const header = ["question", "daft", "baseline", "baseline time", "ratio"];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((r) => r[column].length)));
const line = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join("  ");
console.log(line(header));
console.log(widths.map((width) => "-".repeat(width)).join("  "));
for (const r of rows) console.log(line(r));
