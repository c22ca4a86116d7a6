/**
 * Scores documents against queries. `embed` stands in for a call to an embedding model (it
 * waits 300 ms per document, as a remote model would); it is mapped over the documents and
 * cached per document, so a second run loads every vector from the disk cache instead.
 * Run it through daft's loader (`daft run pipeline.mjs`), so each cached step's fingerprint
 * covers the helpers it imports: an edit to text-vectors.mjs re-runs exactly the steps that use it.
 */
import { CacheConfig, DiskCache, Pipeline, Runner, func } from "daft";
import { documents, queries } from "./documents.mjs";
import { vectorise } from "./text-vectors.mjs";

const embed = func({ output: "docVector", mapAxis: "doc", cache: true }, async ({ doc }) => {
  await new Promise((resolve) => setTimeout(resolve, 300)); // a remote model's latency
  return vectorise(`${doc.title} ${doc.text}`);
});

const embedQueries = func({ output: "queryVectors", cache: true }, ({ queries }) => queries.map(vectorise));

const score = func({ output: "scores", mapAxis: "doc", cache: true }, ({ docVector, queryVectors }) =>
  queryVectors.map((query) => query.reduce((sum, value, i) => sum + value * docVector[i], 0)),
);

const rank = func({ output: "ranking" }, ({ doc, scores, queries }) =>
  queries.map((query, q) => {
    const best = doc.map((d, i) => ({ id: d.id, score: scores[i][q] })).sort((a, b) => b.score - a.score)[0];
    return `${query} → ${best.id} (${best.score.toFixed(3)})`;
  }),
);

const pipeline = new Pipeline({ functions: [embed, embedQueries, score, rank] });
const runner = new Runner({
  mode: "local",
  concurrency: 3, // at most three model calls at a time
  cacheConfig: new CacheConfig({ enabled: true, verbose: "explain", backend: new DiskCache({ cacheDir: process.env.DEMO_CACHE_DIR ?? ".cache" }) }),
});

const started = performance.now();
const { ranking } = await runner.run(pipeline, { doc: documents, queries });
console.log(ranking.join("\n"));
console.log(`(${runner.stats.hits} hits, ${runner.stats.misses} misses, ${((performance.now() - started) / 1000).toFixed(2)}s)`);
