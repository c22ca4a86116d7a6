// Invalidation corpus: does daft serve a stale result, or re-run a node for nothing, after real
// edits to a real library? See README.md in this folder.
//
//   npm run build && node bench/invalidation/run.mjs [--setting default|depth2|file-level|no-loader|all]…
//                                                     [--edit <id>]… [--parallel 1|2] [--json]
//   node bench/invalidation/run.mjs --recompute      recompute ground-truth.json and show what changed
//
// --setting and --edit take a name or a comma-separated list and may be repeated.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { corpusFingerprint } from "./corpus.mjs";
import { edits } from "./edits.mjs";
import { coverageRuns, decide } from "./ground-truth.mjs";
import { groundTruthFile, runCorpus, SETTINGS } from "./harness.mjs";
import { formatReport, formatTruthDiff } from "./report.mjs";

const { values } = parseArgs({
  options: {
    setting: { type: "string", multiple: true },
    edit: { type: "string", multiple: true },
    parallel: { type: "string", default: "2" },
    json: { type: "boolean", default: false },
    recompute: { type: "boolean", default: false },
  },
});
const list = (given) => given?.flatMap((value) => value.split(",")).filter(Boolean);
const parallel = Number(values.parallel);
if (parallel !== 1 && parallel !== 2) throw new Error("--parallel is 1 or 2 (the machine is shared)");
const log = (line) => process.stderr.write(`${line}\n`);

if (values.recompute) {
  const started = Date.now();
  const runs = await coverageRuns(edits, { parallel, log });
  const truth = {
    fingerprint: corpusFingerprint(edits),
    computedWith: `node ${execFileSync(runs.node, ["--version"], { encoding: "utf8" }).trim()}`,
    ...decide(edits, runs),
  };
  const before = existsSync(groundTruthFile) ? JSON.parse(readFileSync(groundTruthFile, "utf8")) : undefined;
  writeFileSync(groundTruthFile, `${JSON.stringify(truth, null, 2)}\n`);
  console.log(`ground truth recomputed in ${((Date.now() - started) / 1000).toFixed(0)} s; changes against the previous one:`);
  console.log(formatTruthDiff(before, truth));
  if (truth.gaps.length > 0) console.log(`outputs that changed with no rule about code saying so: ${truth.gaps.join(", ")}`);
  const preserving = edits.filter((edit) => edit.category === "preserving" && truth.edits[edit.id].mustMiss.length > 0);
  if (preserving.length > 0) console.log(`behaviour-preserving edits that some node must miss: ${preserving.map((edit) => edit.id).join(", ")}`);
} else {
  const requested = list(values.setting) ?? ["all"];
  const settings = requested.includes("all") ? Object.keys(SETTINGS) : requested;
  const result = await runCorpus({ settings, edits: list(values.edit), parallel, log });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatReport(result));
}
