// Ground truth of the corpus: for each (node, edit), must the node miss (the edit changes something
// it executes or reads) or must it hit? Decided from what each node executes, mechanically; the
// rule and its limits are in README.md ("Ground truth"). Computing it takes a few minutes (a
// coverage run of the pipeline per edit); the result is kept in ground-truth.json.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bindingReach } from "./binding-reach.mjs";
import { applyEdit, copyCorpus, corpusDir, editSpans, inParallel, nodeFiles, removeCopy, repoRoot, run } from "./corpus.mjs";
import { analyseProgram, moduleStatementRanges } from "./program-analysis.mjs";
import { sameCode } from "./same-code.mjs";

const probeScript = join(repoRoot, "bench", "invalidation", "probe.mjs");

/** A Node that runs TypeScript by type stripping and has `module.registerHooks` (22.18+). */
export function probeNode() {
  const version = (binary) => execFileSync(binary, ["--version"], { encoding: "utf8" }).trim().slice(1).split(".").map(Number);
  const fits = (binary) => {
    const [major, minor] = version(binary);
    return major > 22 || (major === 22 && minor >= 18);
  };
  const installed = join(repoRoot, "node_modules", ".cache", "daft-test-nodes", "24", "node_modules", `node-${process.platform}-${process.arch}`, "bin", "node");
  const candidates = [process.env.DAFT_TEST_NODE_24, process.env.DAFT_TEST_NODE_22, installed, process.execPath].filter(Boolean);
  const found = candidates.find((binary) => existsSync(binary) && fits(binary));
  if (!found) {
    throw new Error("computing the ground truth needs Node 22.18 or later: set DAFT_TEST_NODE_24 to its path (or run the loader tests once, which install one)");
  }
  return found;
}

async function probe(node, dir) {
  const { stdout } = await run(node, [probeScript, dir], { cwd: dir, env: { ...process.env, TZ: "UTC", NODE_OPTIONS: "" } });
  return JSON.parse(stdout);
}

/** The coverage count that applies at an offset: the innermost range holding it decides. */
function executedAt(ranges, offset) {
  let best;
  for (const range of ranges) {
    if (range[0] <= offset && offset < range[1] && (!best || range[1] - range[0] <= best[1] - best[0])) best = range;
  }
  return Boolean(best && best[2] > 0);
}

/** Whether any character of a span ran; an insertion (empty span) counts when it lands inside code that ran. */
function spanRan(ranges, [start, end]) {
  if (!ranges) return false;
  if (start === end) return start > 0 && executedAt(ranges, start - 1) && executedAt(ranges, start);
  for (let offset = start; offset < end; offset++) if (executedAt(ranges, offset)) return true;
  return false;
}

/** Whether a span overlaps any of the ranges; an insertion counts when it lands strictly inside one. */
function spanMeets(ranges, [start, end]) {
  if (!ranges) return false;
  return ranges.some(([from, to]) => (start === end ? from < start && start < to : start < to && from < end));
}

/**
 * Runs the pipeline under coverage once as it is and once after each edit: `{ node, baseline,
 * after: { [edit id]: probe result } }`.
 */
export async function coverageRuns(edits, { parallel = 2, log = () => {} } = {}) {
  const node = probeNode();
  log(`ground truth: coverage runs with ${node}`);
  const copies = Array.from({ length: Math.max(1, Math.min(parallel, edits.length)) }, () => copyCorpus("daft-truth-"));
  try {
    const baseline = await probe(node, copies[0]);
    let done = 0;
    const after = await inParallel(edits, copies.length, async (edit, slot) => {
      const revert = applyEdit(copies[slot], edit);
      try {
        return await probe(node, copies[slot]);
      } catch (error) {
        throw new Error(`edit ${edit.id} breaks the corpus: ${error.message}`);
      } finally {
        revert();
        log(`ground truth: ${++done}/${edits.length} ${edit.id}`);
      }
    });
    return { node, baseline, after: Object.fromEntries(edits.map((edit, index) => [edit.id, after[index]])) };
  } finally {
    for (const dir of copies) removeCopy(dir);
  }
}

/**
 * Decides, from the coverage runs, which nodes must miss after each edit. Returns `{ nodes,
 * edits: { [id]: { equivalent, mustMiss, reasons, reachedNotRun } }, gaps }`: `reasons[node]`
 * lists the rules that make the node miss (executed, data, module-statement, output);
 * `reachedNotRun` the nodes that must hit although the edit lies in code a binding-level closure
 * of theirs reaches (binding-reach.mjs); `gaps` the pairs whose output changed though no rule
 * about code said so (each is a limit of the rule).
 */
export function decide(edits, runs) {
  const { baseline, after } = runs;
  const analysis = analyseProgram(corpusDir);
  const nodes = Object.keys(baseline);
  const readsOf = Object.fromEntries(
    nodes.map((name) => {
      const executed = baseline[name].executed;
      return [name, analysis.reads(Object.keys(executed), (file, offset) => executedAt(executed[file], offset))];
    }),
  );
  const declaredIn = nodeFiles();
  const reachOf = Object.fromEntries(nodes.map((name) => [name, bindingReach(analysis, corpusDir, declaredIn[name], name)]));
  const byEdit = {};
  for (const edit of edits) {
    const original = readFileSync(join(corpusDir, edit.file), "utf8");
    const spans = editSpans(original, edit);
    const equivalent = sameCode(original, spans.text);
    const statementsBefore = moduleStatementRanges(original);
    const statementsAfter = moduleStatementRanges(spans.text);
    const reasons = {};
    for (const name of nodes) {
      const rules = [];
      const ran = after[edit.id][name];
      if (!equivalent) {
        if (spanRan(baseline[name].executed[edit.file], spans.before) || spanRan(ran.executed[edit.file], spans.after)) rules.push("executed");
        if (spanMeets(readsOf[name].data.get(edit.file), spans.before)) rules.push("data");
        const used = readsOf[name].used.has(edit.file) || Boolean(ran.executed[edit.file]);
        if (used && (spanMeets(statementsBefore, spans.before) || spanMeets(statementsAfter, spans.after))) rules.push("module-statement");
      }
      if (ran.value !== baseline[name].value) rules.push("output");
      if (rules.length > 0) reasons[name] = rules;
    }
    const reachedNotRun = nodes.filter((name) => {
      if (equivalent || reasons[name]) return false;
      const { ranges, modules } = reachOf[name];
      return spanMeets(ranges.get(edit.file), spans.before) || (modules.has(edit.file) && spanMeets(statementsAfter, spans.after));
    });
    byEdit[edit.id] = { equivalent, mustMiss: Object.keys(reasons), reasons, reachedNotRun };
  }
  const gaps = Object.entries(byEdit).flatMap(([id, { reasons }]) =>
    Object.entries(reasons)
      .filter(([, rules]) => rules.length === 1 && rules[0] === "output")
      .map(([name]) => `${id}/${name}`),
  );
  return { nodes, edits: byEdit, gaps };
}
