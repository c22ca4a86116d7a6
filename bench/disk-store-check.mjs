// What checking a DiskCache store that daft did not write last costs (a writer killed between
// its commit and its record, a restored copy): the page audit (plain reads of every page of
// every tree, page-audit.ts) against the rest of the check (a child process reading every
// record and committing a probe write), and against reading the data file whole. The store is
// written through DiskCache in a child process, in commits of 2,000 entries, with values of
// 0.2 – 3 KB (most on overflow pages); the file is in the page cache for every figure.
//
//   npm run build && node bench/disk-store-check.mjs [entries=60000] [rounds=5]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditPages } from "../dist/src/cache/disk/page-audit.js";
import { checkStore } from "../dist/src/cache/disk/store-check.js";
import { DATA_FILE, DATABASES } from "../dist/src/cache/disk/store-env.js";

const entries = Number(process.argv[2] ?? 60_000);
const rounds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), "daft-bench-check-"));

const FILL = `
const { DiskCache } = await import(${JSON.stringify(new URL("../dist/src/cache/index.js", import.meta.url).href)});
const cache = new DiskCache({ cacheDir: ${JSON.stringify(dir)}, maxSize: Infinity });
for (let i = 0; i < ${entries}; i += 1) {
  cache.setBlob("k" + String(i).padStart(15, "0"), { value: "v".repeat(200 + ((i * 131) % 2800)), outputHash: "0123456789abcdef", createdAt: 1, durationMs: 1, nodeName: "n" });
  if (i % 2000 === 1999) cache.flush();
}
cache.flush();
`;

try {
  execFileSync(process.execPath, ["--input-type=module", "-e", FILL], { stdio: "inherit" });
  const values = join(dir, "values");
  const file = join(values, DATA_FILE);
  const time = (fn) => {
    const started = performance.now();
    const result = fn();
    return { ms: performance.now() - started, result };
  };
  const figures = { read: [], audit: [], check: [] };
  for (let round = -1; round < rounds; round++) {
    const read = time(() => readFileSync(file).length);
    const audit = time(() => auditPages(file));
    const check = time(() => checkStore(values, DATA_FILE, DATABASES));
    if ("damage" in audit.result || !("sound" in check.result)) throw new Error(`a sound store was found damaged: ${JSON.stringify([audit.result, check.result])}`);
    if (round < 0) continue; // warm-up: the file into the page cache, the code compiled
    figures.read.push(read.ms);
    figures.audit.push(audit.ms);
    figures.check.push(check.ms - audit.ms);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const range = (values) => `${Math.min(...values).toFixed(0)} – ${Math.max(...values).toFixed(0)} ms`;
  const megabytes = (statSync(file).size / 1024 / 1024).toFixed(0);
  console.log(`${entries} entries, data file ${megabytes} MB, ${rounds} rounds (Node ${process.version})\n`);
  console.log("| step | time (range) | median vs reading the file whole |");
  console.log("| --- | --- | --- |");
  const baseline = median(figures.read);
  for (const [name, key] of [["readFileSync of the data file (baseline)", "read"], ["page audit (page-audit.ts)", "audit"], ["check child: every record read, probe write", "check"]]) {
    console.log(`| ${name} | ${range(figures[key])} | ${(median(figures[key]) / baseline).toFixed(2)}× |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
