// The daft side of bench/anchors/joblib.mjs: a mapped node cached per item in a DiskCache.
//   node daft-side.mjs <items> <cache dir>   → {"seconds": …}
import { CacheConfig, DiskCache, Pipeline, Runner, func } from "../../dist/src/index.js";

const count = Number(process.argv[2]);
const items = Array.from({ length: count }, (_, i) => ({ id: i, name: `doc-${i}`, tags: ["a", "b"], score: i / count }));
const work = func({ output: "scored", mapAxis: "item", cache: true }, ({ item }) => item.score * 2 + item.tags.length);
const runner = new Runner({
  progress: false,
  cacheConfig: new CacheConfig({ enabled: true, verbose: false, backend: new DiskCache({ cacheDir: process.argv[3] }) }),
});
const started = performance.now();
const { scored } = await runner.run(new Pipeline({ functions: [work] }), { item: items });
const seconds = (performance.now() - started) / 1000;
if (scored.length !== count) throw new Error("wrong result length");
console.log(JSON.stringify({ seconds }));
