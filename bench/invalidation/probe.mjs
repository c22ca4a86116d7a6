// Runs each node of the corpus pipeline once, directly (no runner, no cache, no daft loader), under
// V8 precise block coverage, and prints as JSON what each node returned and which code of the
// corpus it executed. Part of the ground truth (see ground-truth.mjs); not a benchmark.
//
//   <node 22.18+ or 24> bench/invalidation/probe.mjs <corpus copy>
//
// Node's own type stripping runs the TypeScript: it replaces types by blanks, so every offset V8
// reports is an offset in the .ts file as written. date-fns imports `./x/index.js` for
// `./x/index.ts` (TypeScript's NodeNext convention); a resolve hook maps those.
import { existsSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { registerHooks } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) throw new Error("usage: probe.mjs <corpus copy>");

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.startsWith("file:")) {
      const asTs = new URL(specifier.slice(0, -3) + ".ts", context.parentURL);
      if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(asTs)) return nextResolve(asTs.href, context);
    }
    return nextResolve(specifier, context);
  },
});

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });

const { nodes, inputs } = await import(pathToFileURL(join(root, "pipeline.ts")).href);

/** The corpus file of a script URL (a path relative to the corpus, `/`-separated), or undefined. */
function corpusFile(url) {
  if (!url.startsWith("file:")) return undefined;
  const path = relative(root, fileURLToPath(url)).split("\\").join("/");
  return path.startsWith("..") || path.startsWith("node_modules/") ? undefined : path;
}

/**
 * The coverage of every corpus script with at least one range that ran: all its ranges, as
 * `[start, end, count]`, since a count applies to its range minus the nested ranges.
 */
function executedScripts(coverage) {
  const scripts = {};
  for (const script of coverage) {
    const file = corpusFile(script.url);
    if (!file) continue;
    const ranges = script.functions.flatMap((fn) => fn.ranges.map((range) => [range.startOffset, range.endOffset, range.count]));
    if (ranges.some(([, , count]) => count > 0)) scripts[file] = ranges;
  }
  return scripts;
}

const values = { ...inputs };
const result = {};
for (const node of nodes) {
  const { output, inputs: names } = node.meta;
  const args = Object.fromEntries(names.filter((name) => name in values).map((name) => [name, values[name]]));
  await session.post("Profiler.takePreciseCoverage"); // resets the counters: what follows is this node's call
  const value = await node(args);
  const { result: coverage } = await session.post("Profiler.takePreciseCoverage");
  values[output] = value;
  result[output] = { value: JSON.stringify(value), executed: executedScripts(coverage) };
}
await session.post("Profiler.stopPreciseCoverage");
session.disconnect();
process.stdout.write(JSON.stringify(result));
