// Measures the corpus: fills a cache by running the pipeline once, then, for each edit, applies it,
// runs the pipeline in a fresh `node` process, reads which nodes hit and which missed, puts the
// file back and the cache as it was (so edits are independent), and compares with the ground
// truth: a stale pair is a hit where the node must miss, a needless pair a miss where it must hit.
// Everything goes through the built package's public surface (`daft`, `daft/loader`).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { applyEdit, copyCorpus, corpusFingerprint, inParallel, nodeFiles, removeCopy, replaceFolder, repoRoot, run } from "./corpus.mjs";
import { CATEGORIES, edits as allEdits } from "./edits.mjs";
import { importClosure, importGraph } from "./import-graph.mjs";

export const groundTruthFile = join(repoRoot, "bench", "invalidation", "ground-truth.json");

/**
 * The settings measured. `loader` runs `node --import daft/loader --import tsx`, `plain` runs
 * `node --import tsx` (no build step: whatever daft does without one), `computed` is derived from
 * the import graph without running anything.
 */
export const SETTINGS = {
  default: { run: "loader", description: "the loader, CacheConfig defaults" },
  depth2: { run: "loader", dependencyDepth: 2, description: "the loader, dependencyDepth: 2" },
  "no-loader": { run: "plain", description: "no loader or plugin (tsx only), CacheConfig defaults" },
  "file-level": { run: "computed", description: "a node misses when any file in its module's import closure changed" },
};

export function loadGroundTruth() {
  if (!existsSync(groundTruthFile)) throw new Error(`${groundTruthFile} is missing: run node bench/invalidation/run.mjs --recompute`);
  const truth = JSON.parse(readFileSync(groundTruthFile, "utf8"));
  if (truth.fingerprint !== corpusFingerprint(allEdits)) {
    throw new Error("ground-truth.json was computed for another version of the corpus or of the edits: run node bench/invalidation/run.mjs --recompute");
  }
  return truth;
}

function pickEdits(ids) {
  if (!ids || ids.length === 0) return allEdits;
  const unknown = ids.filter((id) => !allEdits.some((edit) => edit.id === id));
  if (unknown.length > 0) throw new Error(`unknown edit ${unknown.join(", ")}; edits: ${allEdits.map((edit) => edit.id).join(", ")}`);
  return allEdits.filter((edit) => ids.includes(edit.id));
}

const cacheDir = (setting) => join(".bench-cache", setting);
const warmDir = (setting) => join(".bench-warm", setting);

/** Runs the corpus pipeline once in a fresh process: `{ report: { setting: { node: "hit" | "miss" } }, hashSources }`. */
async function runPipeline(dir, kind, settings) {
  const args = kind === "loader" ? ["--import", "daft/loader", "--import", "tsx", "run.ts"] : ["--import", "tsx", "run.ts"];
  const env = {
    ...process.env,
    TZ: "UTC",
    NODE_OPTIONS: "",
    CORPUS_SETTINGS: JSON.stringify(
      settings.map((name) => ({ name, cacheDir: cacheDir(name), ...(SETTINGS[name].dependencyDepth === undefined ? {} : { dependencyDepth: SETTINGS[name].dependencyDepth }) })),
    ),
  };
  const { stdout } = await run(process.execPath, args, { cwd: dir, env });
  const line = stdout.trim().split("\n").at(-1);
  return JSON.parse(line);
}

/** Runs every measured setting once on a copy (one process per kind of run). */
async function runAll(dir, byKind) {
  const report = {};
  const hashSources = {};
  for (const [kind, settings] of byKind) {
    const result = await runPipeline(dir, kind, settings);
    Object.assign(report, result.report);
    for (const name of settings) hashSources[name] = result.hashSources;
  }
  return { report, hashSources };
}

function restoreCaches(dir, settings) {
  for (const name of settings) replaceFolder(join(dir, warmDir(name)), join(dir, cacheDir(name)));
}

/**
 * Runs the corpus. Options: `settings` (names of SETTINGS; all by default), `edits` (edit ids;
 * all by default), `parallel` (processes at a time, 1 or 2), `log` (progress lines).
 * Returns `{ nodes, edits, settings: { [name]: summary }, unchangedMisses, hashSources, durationMs }`.
 */
export async function runCorpus({ settings = Object.keys(SETTINGS), edits: ids, parallel = 2, log = () => {} } = {}) {
  const started = Date.now();
  const unknown = settings.filter((name) => !SETTINGS[name]);
  if (unknown.length > 0) throw new Error(`unknown setting ${unknown.join(", ")}; settings: ${Object.keys(SETTINGS).join(", ")}`);
  const truth = loadGroundTruth();
  const selected = pickEdits(ids);
  const observed = Object.fromEntries(settings.map((name) => [name, {}]));

  const measured = settings.filter((name) => SETTINGS[name].run !== "computed");
  const byKind = ["loader", "plain"]
    .map((kind) => [kind, measured.filter((name) => SETTINGS[name].run === kind)])
    .filter(([, names]) => names.length > 0);
  let unchangedMisses = {};
  let hashSources = {};
  if (measured.length > 0) {
    const copies = [copyCorpus()];
    try {
      // Fill the caches, then check that the unchanged corpus hits everywhere.
      log("filling the caches");
      await runAll(copies[0], byKind);
      const unchanged = await runAll(copies[0], byKind);
      hashSources = unchanged.hashSources;
      unchangedMisses = Object.fromEntries(
        measured.map((name) => [name, Object.entries(unchanged.report[name]).filter(([, status]) => status === "miss").map(([node]) => node)]),
      );
      for (const name of measured) replaceFolder(join(copies[0], cacheDir(name)), join(copies[0], warmDir(name)));
      for (let slot = 1; slot < Math.min(parallel, selected.length); slot++) {
        const copy = copyCorpus();
        replaceFolder(join(copies[0], "node_modules", ".cache"), join(copy, "node_modules", ".cache"));
        for (const name of measured) {
          replaceFolder(join(copies[0], warmDir(name)), join(copy, warmDir(name)));
          replaceFolder(join(copies[0], warmDir(name)), join(copy, cacheDir(name)));
        }
        copies.push(copy);
      }
      let done = 0;
      await inParallel(selected, copies.length, async (edit, slot) => {
        const dir = copies[slot];
        const revert = applyEdit(dir, edit);
        try {
          const { report } = await runAll(dir, byKind);
          for (const name of measured) observed[name][edit.id] = report[name];
        } finally {
          revert();
          restoreCaches(dir, measured);
        }
        log(`${++done}/${selected.length} ${edit.id}`);
      });
    } finally {
      for (const dir of copies) removeCopy(dir);
    }
  }

  if (settings.includes("file-level")) {
    const graph = importGraph();
    const closures = Object.fromEntries(Object.entries(nodeFiles()).map(([node, file]) => [node, importClosure(graph, file)]));
    for (const edit of selected) {
      observed["file-level"][edit.id] = Object.fromEntries(truth.nodes.map((node) => [node, closures[node].has(edit.file) ? "miss" : "hit"]));
    }
  }

  const summaries = Object.fromEntries(settings.map((name) => [name, summarise(truth, selected, observed[name])]));
  return { nodes: truth.nodes, edits: selected.map(({ id, category }) => ({ id, category })), settings: summaries, unchangedMisses, hashSources, durationMs: Date.now() - started };
}

/** Compares what a setting did with the ground truth, per pair, in total and per category. */
function summarise(truth, selected, observed) {
  const pairs = [];
  for (const edit of selected) {
    const { mustMiss, reachedNotRun } = truth.edits[edit.id];
    for (const node of truth.nodes) {
      const expected = mustMiss.includes(node) ? "miss" : "hit";
      const status = observed[edit.id]?.[node];
      if (status === undefined) throw new Error(`no result for node ${node} after edit ${edit.id}`);
      const verdict = expected === status ? "right" : expected === "miss" ? "stale" : "needless";
      pairs.push({ edit: edit.id, category: edit.category, node, expected, observed: status, verdict, reachedNotRun: reachedNotRun.includes(node) });
    }
  }
  const count = (rows) => ({
    stalePairs: rows.filter((row) => row.verdict === "stale").length,
    staleEdits: new Set(rows.filter((row) => row.verdict === "stale").map((row) => row.edit)).size,
    needlessPairs: rows.filter((row) => row.verdict === "needless").length,
    mustMissPairs: rows.filter((row) => row.expected === "miss").length,
    mustHitPairs: rows.filter((row) => row.expected === "hit").length,
    // Must-hit pairs whose edit lies in code a binding-level closure reaches (binding-reach.mjs):
    // needless for such an analysis whatever it does, so a floor to read the needless count against.
    reachedNotRunPairs: rows.filter((row) => row.reachedNotRun).length,
    needlessReachedPairs: rows.filter((row) => row.verdict === "needless" && row.reachedNotRun).length,
  });
  const byCategory = Object.fromEntries(
    Object.keys(CATEGORIES)
      .map((category) => [category, pairs.filter((row) => row.category === category)])
      .filter(([, rows]) => rows.length > 0)
      .map(([category, rows]) => [category, { edits: new Set(rows.map((row) => row.edit)).size, ...count(rows) }]),
  );
  return { ...count(pairs), byCategory, pairs: pairs.filter((row) => row.verdict !== "right") };
}
