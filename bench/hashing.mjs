// npm run build && node bench/hashing.mjs
//
// How fast is daft's canonical value hash (hashValue) compared with object-hash and ohash, the
// usual ways to hash JavaScript values? Three cases: a small object (per-call overhead), a
// 1 MB nested object (throughput of the serializer) and a 64 MB Float64Array (binary data, which
// daft streams straight from its memory). Every library runs in this process on the same values,
// after a warm-up; each figure is the median of several timed rounds.
import { createHash } from "node:crypto";
import objectHash from "object-hash";
import { hash as ohash } from "ohash";
import { hashValue } from "../dist/src/hashing/hash-value.js";
import { xx } from "../dist/src/hashing/xxhash.js";

const ROUNDS = 5;

/** Calls per second of `fn`: median of ROUNDS rounds of at least `roundMs` each, after a warm-up round. */
function opsPerSecond(fn, roundMs) {
  const rates = [];
  for (let round = -1; round < ROUNDS; round++) {
    let calls = 0;
    let batch = 1;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (let i = 0; i < batch; i++) fn();
      calls += batch;
      batch = Math.min(batch * 2, 1 << 14);
      elapsed = performance.now() - started;
    }
    if (round >= 0) rates.push((calls * 1000) / elapsed);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const format = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));

// --- the values -----------------------------------------------------------------------------

const small = { id: 17, name: "doc-17", tags: ["a", "b"], score: 0.5 };

function nestedObject(targetBytes) {
  const docs = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const doc = {
      id: i,
      name: `doc-${i}`,
      tags: ["alpha", "beta", `t${i % 13}`],
      score: (i % 97) / 97,
      author: { name: `author ${i % 31}`, email: `a${i % 31}@example.com`, active: i % 2 === 0 },
      sections: [
        { title: "intro", words: 120 + (i % 50), refs: [i, i + 1] },
        { title: "body", words: 900 + (i % 300), refs: [] },
      ],
      metadata: { created: 1700000000000 + i * 1000, language: i % 3 ? "en" : "fr", draft: null },
    };
    docs.push(doc);
    size += JSON.stringify(doc).length;
  }
  return { docs, count: docs.length };
}
const nested = nestedObject(1 << 20);
const nestedMB = JSON.stringify(nested).length / 2 ** 20;

const floats = new Float64Array(8 << 20).map((_, i) => Math.sin(i)); // 64 MiB
const floatsMB = floats.byteLength / 2 ** 20;
// ohash and object-hash walk typed arrays element by element (at tens of MB/s): they get a 4 MiB
// prefix so the run stays short; their MB/s does not depend on the length.
const floatsPrefix = floats.subarray(0, 1 << 19);
const floatsPrefixMB = floatsPrefix.byteLength / 2 ** 20;
const floatBytes = new Uint8Array(floats.buffer);

// --- the measurements ---------------------------------------------------------------------------

const objectHashFast = { algorithm: "md5", respectType: false }; // its fastest real-hash settings

const rows = [];
function row(name, unit, results) {
  rows.push({ name, unit, results });
}

row("small object", "ops/s", {
  daft: opsPerSecond(() => hashValue(small), 300),
  ohash: opsPerSecond(() => ohash(small), 300),
  "object-hash sha1": opsPerSecond(() => objectHash(small), 300),
  "object-hash md5 fast": opsPerSecond(() => objectHash(small, objectHashFast), 300),
});

row(`${nestedMB.toFixed(2)} MB nested object`, "MB/s", {
  daft: opsPerSecond(() => hashValue(nested), 500) * nestedMB,
  ohash: opsPerSecond(() => ohash(nested), 500) * nestedMB,
  "object-hash sha1": opsPerSecond(() => objectHash(nested), 500) * nestedMB,
  "object-hash md5 fast": opsPerSecond(() => objectHash(nested, objectHashFast), 500) * nestedMB,
});

row("64 MB Float64Array", "MB/s", {
  daft: opsPerSecond(() => hashValue(floats), 500) * floatsMB,
  ohash: opsPerSecond(() => ohash(floatsPrefix), 500) * floatsPrefixMB,
  "object-hash sha1": opsPerSecond(() => objectHash(floatsPrefix), 500) * floatsPrefixMB,
  "object-hash md5 fast": opsPerSecond(() => objectHash(floatsPrefix, objectHashFast), 500) * floatsPrefixMB,
  "raw xxhash64 of the bytes": opsPerSecond(() => xx.h64Raw(floatBytes), 500) * floatsMB,
  "node:crypto sha1 of the bytes": opsPerSecond(() => createHash("sha1").update(floatBytes).digest(), 500) * floatsMB,
});

// --- the table ----------------------------------------------------------------------------------

const libraries = ["daft", "ohash", "object-hash sha1", "object-hash md5 fast"];
const header = ["case", "unit", ...libraries, "daft / ohash", "daft / object-hash sha1", "daft / object-hash md5 fast"];
const lines = rows.map(({ name, unit, results }) => [
  name,
  unit,
  ...libraries.map((lib) => format(results[lib])),
  ...libraries.slice(1).map((lib) => `${(results.daft / results[lib]).toFixed(1)}×`),
]);
const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
const printLine = (cells) => console.log(cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | "));
console.log(`Node ${process.version}, ${ROUNDS} rounds per figure (median), after a warm-up round\n`);
printLine(header);
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
lines.forEach(printLine);

const binary = rows[2].results;
console.log(
  `\n64 MB Float64Array, for reference: raw xxhash64 of the same bytes ${format(binary["raw xxhash64 of the bytes"])} MB/s ` +
    `(daft reaches ${((binary.daft / binary["raw xxhash64 of the bytes"]) * 100).toFixed(0)}% of it), ` +
    `node:crypto sha1 ${format(binary["node:crypto sha1 of the bytes"])} MB/s. ` +
    `ohash and object-hash were timed on a ${floatsPrefixMB} MB prefix.`,
);

const [smallRow, , binaryRow] = rows;
const targets = [
  ["small object ≥ 3× object-hash (sha1)", smallRow.results.daft / smallRow.results["object-hash sha1"], 3],
  ["small object ≥ 1.5× ohash", smallRow.results.daft / smallRow.results.ohash, 1.5],
  ["64 MB Float64Array ≥ 1 GB/s", binaryRow.results.daft / 1024, 1],
];
console.log("\nTargets:");
for (const [name, value, goal] of targets) {
  console.log(`  ${value >= goal ? "met    " : "MISSED "} ${name}: ${value.toFixed(2)}${name.includes("GB/s") ? " GB/s" : "×"}`);
}
