// Start-up cost of the Node loader: how much longer a 200-module app takes to start and finish
// with `node --import daft/loader` than with plain `node`, on every Node version at hand.
//
//   npm run build && node bench/loader-startup.mjs [runs]
//
// The app (generated in bench/.out/loader-startup/) has 200 ES modules of ~1.5 KB; 20 of them
// declare two cached func nodes each and import two helper modules; the entry imports them all
// and runs nothing heavy. Plain and loader runs alternate (so drift hits both alike), after one
// warm-up run that fills the loader's cache; each figure is the median wall time of `runs`
// (default 40) whole processes, as wall time and as CPU time of the whole process (all
// threads; much less disturbed by other work on the machine). A third column runs a load hook that does nothing, registered
// with the same API: the floor any loader pays on that Node version. Node 22 and 24 are the binaries the tests install
// (node_modules/.cache/daft-test-nodes/<major>; run the loader tests once to get them), or the ones
// DAFT_TEST_NODE_22 / DAFT_TEST_NODE_24 name.
// Targets: ≤ 1.15× plain node with module.register (Node 20), ≤ 1.05× with module.registerHooks.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MODULES, WITH_NODES, writeAppModules } from "./startup-app.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 40);

function generateApp(dir) {
  const imports = writeAppModules(dir, repo, "startup-app").map(({ name }) => `import * as ${name} from "./src/${name}.mjs";`);
  writeFileSync(join(dir, "app.mjs"), `${imports.join("\n")}\n\nconsole.log(Object.keys(m000).length + Object.keys(m199).length);\n`);
  // Every run reports the CPU time of its whole process (all threads, so the hooks thread of
  // module.register too) at exit: a figure that other work on the machine disturbs far less
  // than wall time.
  writeFileSync(
    join(dir, "cpu-time.mjs"),
    `import { writeSync } from "node:fs";\n` +
      `process.on("exit", () => { const { user, system } = process.cpuUsage(); writeSync(2, \`\\ncpu-us \${user + system}\\n\`); });\n`,
  );
  // The floor: a load hook that does nothing, registered with the API the loader would use.
  writeFileSync(
    join(dir, "noop-hook.mjs"),
    `import * as nodeModule from "node:module";\n` +
      `if (nodeModule.registerHooks) nodeModule.registerHooks({ load: (url, context, nextLoad) => nextLoad(url, context) });\n` +
      `else nodeModule.register("data:text/javascript,export const load = (url, context, nextLoad) => nextLoad(url, context);");\n`,
  );
}

/** One whole process: `{ wall, cpu }` in milliseconds. */
function timeRun(node, args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(node, ["--import", "./cpu-time.mjs", ...args, "app.mjs"], { cwd, encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${node} ${args.join(" ")} app.mjs failed:\n${result.stderr}`);
  const cpu = Number(/cpu-us (\d+)/.exec(result.stderr)?.[1]) / 1000;
  return { wall, cpu };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function otherNode(major) {
  const given = process.env[`DAFT_TEST_NODE_${major}`];
  if (given) return given;
  const marker = join(repo, "node_modules", ".cache", "daft-test-nodes", String(major), "installed.txt");
  return existsSync(marker) ? readFileSync(marker, "utf8") : undefined;
}

const appDir = join(repo, "bench", ".out", "loader-startup");
generateApp(appDir);
const loaderCache = join(appDir, "node_modules", ".cache", "daft");
const nodes = [[process.version, process.execPath], ...[22, 24].map((major) => [`v${major}`, otherNode(major)])];

const rows = [];
for (const [label, node] of nodes) {
  if (!node) {
    rows.push({ node: label, note: "not installed (the loader tests install it)" });
    continue;
  }
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  const hooks = spawnSync(node, ["-p", "typeof require('node:module').registerHooks"], { encoding: "utf8" }).stdout.trim() === "function";
  rmSync(loaderCache, { recursive: true, force: true });
  const coldTimes = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    rmSync(loaderCache, { recursive: true, force: true });
    coldTimes.push(timeRun(node, ["--import", "daft/loader"], appDir));
  }
  timeRun(node, ["--import", "daft/loader"], appDir); // fills the cache
  timeRun(node, [], appDir);
  const plain = [];
  const noop = [];
  const loader = [];
  for (let i = 0; i < runs; i++) {
    plain.push(timeRun(node, [], appDir));
    noop.push(timeRun(node, ["--import", "./noop-hook.mjs"], appDir));
    loader.push(timeRun(node, ["--import", "daft/loader"], appDir));
  }
  // The loader's own account of the time spent in its hook (DAFT_LOADER_STATS=1), warm.
  const hookMs = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    const result = spawnSync(node, ["--import", "daft/loader", "app.mjs"], { cwd: appDir, encoding: "utf8", env: { ...process.env, DAFT_LOADER_STATS: "1" } });
    hookMs.push(Number(/"ms":([\d.]+)/.exec(result.stderr)?.[1]));
  }
  const figure = (times, key) => median(times.map((time) => time[key]));
  const target = hooks ? 1.05 : 1.15;
  for (const key of ["wall", "cpu"]) {
    const plainMs = figure(plain, key);
    const noopMs = figure(noop, key);
    const loaderMs = figure(loader, key);
    rows.push({
      node: version,
      hooks: hooks ? "registerHooks" : "register",
      time: key === "wall" ? "wall" : "CPU",
      "plain ms": plainMs.toFixed(1),
      "no-op hook ms": `${noopMs.toFixed(1)} (${(noopMs / plainMs).toFixed(3)}×)`,
      "loader ms": loaderMs.toFixed(1),
      "loader / plain": (loaderMs / plainMs).toFixed(3),
      target: `≤ ${target}`,
      met: loaderMs / plainMs <= target ? "yes" : "no",
      "loader / no-op hook": (loaderMs / noopMs).toFixed(3),
      "loader ms, cold cache": figure(coldTimes, key).toFixed(1),
      "in daft's hook ms": key === "wall" ? median(hookMs).toFixed(1) : "",
    });
  }
}
console.log(`loader start-up: ${MODULES} modules (${WITH_NODES} with func nodes), median of ${runs} runs each`);
console.table(rows);
