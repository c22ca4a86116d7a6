// Text tables of a corpus run (runCorpus) and of a ground-truth comparison.
import { CATEGORIES } from "./edits.mjs";
import { SETTINGS } from "./harness.mjs";

const percent = (part, whole) => (whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`);

function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join("  ")).join("\n");
}

export function formatReport(result) {
  const names = Object.keys(result.settings);
  const first = result.settings[names[0]];
  const lines = [];
  lines.push(
    `Invalidation corpus: ${result.edits.length} edits × ${result.nodes.length} nodes = ${first.mustMissPairs + first.mustHitPairs} pairs, ` +
      `${first.mustMissPairs} must miss, ${first.mustHitPairs} must hit (${(result.durationMs / 1000).toFixed(0)} s)`,
    "",
  );
  lines.push(
    table([
      ["setting", "stale pairs", "stale edits", "needless / must-hit", "needless %", "of which reached", "hash source"],
      ...names.map((name) => {
        const summary = result.settings[name];
        const sources = [...new Set(Object.values(result.hashSources[name] ?? {}))].join(",") || "–";
        return [
          name,
          summary.stalePairs,
          summary.staleEdits,
          `${summary.needlessPairs} / ${summary.mustHitPairs}`,
          percent(summary.needlessPairs, summary.mustHitPairs),
          summary.needlessReachedPairs,
          sources,
        ];
      }),
    ]),
  );
  lines.push(
    "",
    `${first.reachedNotRunPairs} must-hit pairs (${percent(first.reachedNotRunPairs, first.mustHitPairs)}) have their edit in code a binding-level ` +
      "closure of the node reaches but the node never runs: needless for such an analysis whatever it does (\"of which reached\").",
  );
  for (const name of names) {
    const misses = result.unchangedMisses[name] ?? [];
    if (misses.length > 0) lines.push(`  ${name}: on the unchanged corpus, ${misses.join(", ")} missed (a cache that does not hit when nothing changed)`);
  }
  lines.push("", "Per category: stale pairs / needless pairs (must-miss pairs, must-hit pairs)", "");
  const categories = Object.keys(first.byCategory);
  lines.push(
    table([
      ["category", "edits", "miss/hit", ...names],
      ...categories.map((category) => {
        const counts = first.byCategory[category];
        return [
          category,
          counts.edits,
          `${counts.mustMissPairs}/${counts.mustHitPairs}`,
          ...names.map((name) => `${result.settings[name].byCategory[category].stalePairs} / ${result.settings[name].byCategory[category].needlessPairs}`),
        ];
      }),
    ]),
  );
  for (const name of names) {
    const wrong = result.settings[name].pairs;
    if (wrong.length === 0) continue;
    lines.push("", `${name}:`);
    for (const verdict of ["stale", "needless"]) {
      const byEdit = new Map();
      for (const pair of wrong.filter((row) => row.verdict === verdict)) byEdit.set(pair.edit, [...(byEdit.get(pair.edit) ?? []), pair.node]);
      if (byEdit.size > 0) lines.push(`  ${verdict}: ${[...byEdit].map(([edit, nodes]) => `${edit} (${nodes.join(", ")})`).join("; ")}`);
    }
  }
  lines.push("", "Settings:", ...names.map((name) => `  ${name}: ${SETTINGS[name].description}`));
  lines.push("Categories:", ...categories.map((category) => `  ${category}: ${CATEGORIES[category]}`));
  return lines.join("\n");
}

/** The pairs whose label differs between two ground truths. */
export function formatTruthDiff(before, after) {
  const lines = [];
  for (const [id, entry] of Object.entries(after.edits)) {
    const old = before?.edits?.[id];
    if (!old) {
      lines.push(`  ${id}: new (must miss: ${entry.mustMiss.join(", ") || "none"})`);
      continue;
    }
    const gained = entry.mustMiss.filter((node) => !old.mustMiss.includes(node));
    const lost = old.mustMiss.filter((node) => !entry.mustMiss.includes(node));
    if (gained.length > 0 || lost.length > 0) lines.push(`  ${id}: now must miss ${gained.join(", ") || "–"}; now must hit ${lost.join(", ") || "–"}`);
  }
  for (const id of Object.keys(before?.edits ?? {})) if (!after.edits[id]) lines.push(`  ${id}: removed`);
  return lines.length > 0 ? lines.join("\n") : "  no pair changed";
}
