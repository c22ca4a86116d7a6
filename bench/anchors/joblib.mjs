// How does daft's DiskCache compare with Python's joblib.Memory on the same workload: a cached
// function over small items, computed into an empty disk cache (cold), then read back by a
// fresh process (warm)? Each side runs in its own fresh processes; the time is the calls
// alone (interpreter start-up and imports excluded), the median of several rounds.
//
//   npm run build && node bench/anchors/joblib.mjs [items=5000] [rounds=3]
//
// Needs python3 with joblib (Debian: apt-get install python3-joblib); says so and exits 0
// without it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const count = Number(process.argv[2] ?? 5_000);
const rounds = Number(process.argv[3] ?? 3);
const here = fileURLToPath(new URL(".", import.meta.url));
// `python3` first; Debian's own interpreter too, where another python3 comes first on PATH.
const candidates = process.env.PYTHON ? [process.env.PYTHON] : ["python3", "/usr/bin/python3"];
const joblibVersion = (python) => spawnSync(python, ["-c", "import joblib; print(joblib.__version__)"], { encoding: "utf8" });
const python = candidates.find((candidate) => joblibVersion(candidate).status === 0);
if (!python) {
  console.log(`skipped: no python3 with joblib (tried ${candidates.join(", ")}; Debian: apt-get install python3-joblib)`);
  process.exit(0);
}
const probe = joblibVersion(python);

function seconds(command, args) {
  const child = spawnSync(command, args, { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop()).seconds;
}

/** Cold then warm, each in a fresh process, on a fresh cache folder. */
function coldAndWarm(command, args) {
  const dir = mkdtempSync(join(tmpdir(), "daft-anchor-"));
  try {
    return { cold: seconds(command, [...args, dir]), warm: seconds(command, [...args, dir]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const samples = { daft: [], joblib: [] };
for (let round = 0; round < rounds; round++) {
  samples.daft.push(coldAndWarm(process.execPath, [join(here, "daft-side.mjs"), String(count)]));
  samples.joblib.push(coldAndWarm(python, [join(here, "joblib_memory.py"), String(count)]));
}

const rows = [];
for (const phase of ["cold", "warm"]) {
  const daft = median(samples.daft.map((sample) => sample[phase]));
  const joblib = median(samples.joblib.map((sample) => sample[phase]));
  rows.push({
    phase: phase === "cold" ? "cold (all misses, stored)" : "warm (all hits, fresh process)",
    "daft items/s": Math.round(count / daft),
    "joblib items/s": Math.round(count / joblib),
    "daft vs joblib": `${(joblib / daft).toFixed(1)}× faster`,
  });
}
console.log(`cached function over ${count.toLocaleString("en")} small items on disk, median of ${rounds} rounds (node ${process.version}, joblib ${probe.stdout.trim()})`);
console.table(rows);
