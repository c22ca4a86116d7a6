// npm run build && node bench/hashing-shared.mjs
//
// How long does hashValue take on a value whose parts are shared at many places (a DAG:
// `n = { a: n, b: n }`, repeated)? Written out in full, such a value doubles with every level;
// daft hashes each shared part larger than 64 KiB of tokens once. The baseline, in this process,
// is the same value built without sharing (a tree with 2^levels objects), where that is still
// small enough to build; the two must hash alike. Each figure is the median of several rounds of
// CPU time (hashing is synchronous, and CPU time is less disturbed than wall time on a busy machine).
import { hashValue } from "../dist/src/hashing/hash-value.js";

const ROUNDS = 7;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function medianMs(fn) {
  const times = [];
  for (let round = -1; round < ROUNDS; round++) {
    const started = cpuMs();
    fn();
    if (round >= 0) times.push(cpuMs() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Each level holds the level below twice; `child()` gives it (the same object, or a new copy). */
const shapes = {
  record: (child) => ({ a: child(), b: child() }),
  "Map and array": (child, level) => (level % 2 ? new Map([["l", child()], ["r", child()]]) : [child(), child()]),
};

function shared(shape, levels) {
  let node = { leaf: true };
  for (let level = 0; level < levels; level++) {
    const below = node;
    node = shape(() => below, level);
  }
  return node;
}

function unshared(shape, levels) {
  return levels === 0 ? { leaf: true } : shape(() => unshared(shape, levels - 1), levels - 1);
}

// Warm up the JIT on both shapes first, so the first rows are not slowed by compilation.
for (const shape of Object.values(shapes)) {
  const tree = unshared(shape, 12);
  for (let i = 0; i < 20; i++) hashValue(shared(shape, 14)) + hashValue(tree);
}

const format = (ms) => (ms >= 100 ? Math.round(ms).toLocaleString("en-US") : ms.toFixed(2));
const rows = [];
for (const [name, shape] of Object.entries(shapes)) {
  for (const levels of [12, 16, 18, 25, 40, 100]) {
    const dag = shared(shape, levels);
    const dagMs = medianMs(() => hashValue(dag));
    let treeMs;
    if (levels <= 18) {
      const tree = unshared(shape, levels);
      if (hashValue(tree) !== hashValue(dag)) throw new Error(`${name}, ${levels} levels: the DAG and the tree hash differently`);
      treeMs = medianMs(() => hashValue(tree));
    }
    rows.push([name, String(levels), `2^${levels}`, format(dagMs), treeMs === undefined ? "—" : format(treeMs), treeMs === undefined ? "—" : `${(treeMs / dagMs).toFixed(1)}×`]);
  }
}

const header = ["shape", "levels", "paths", "shared (ms)", "unshared tree (ms)", "tree / shared"];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
const printLine = (cells) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | "));
console.log(`Node ${process.version}, ${ROUNDS} rounds per figure (median CPU time), after a warm-up round\n`);
printLine(header);
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
rows.forEach(printLine);
console.log("\nThe unshared tree is built only up to 18 levels (2^18 objects); past that only the shared value fits in memory.");
