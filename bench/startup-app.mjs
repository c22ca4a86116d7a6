// The generated app the start-up benches load: 200 modules, every tenth with two cached func
// nodes whose helpers live in two more modules each, the rest plain functions. One generator,
// so the loader's start-up and the runtime build info are measured on the same code.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const MODULES = 200;
export const WITH_NODES = 20;

const filler = (n) =>
  Array.from({ length: 12 }, (_, i) => `export function helper${n}_${i}(values) {\n  let total = ${i};\n  for (const value of values) total += value * ${n + i};\n  return total;\n}\n`).join("\n");

/**
 * Writes the app's modules under `dir/src` (daft linked as a package from `repo`), and returns
 * each module's name and number and whether it has the nodes `first` and `second`.
 */
export function writeAppModules(dir, repo, packageName) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src", "lib"), { recursive: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(repo, join(dir, "node_modules", "daft"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: packageName, private: true, type: "module" }));
  const modules = [];
  for (let n = 0; n < MODULES; n++) {
    const name = `m${String(n).padStart(3, "0")}`;
    const hasNodes = n % (MODULES / WITH_NODES) === 0;
    modules.push({ name, n, hasNodes });
    if (!hasNodes) {
      writeFileSync(join(dir, "src", `${name}.mjs`), filler(n));
      continue;
    }
    writeFileSync(join(dir, "src", "lib", `${name}-a.mjs`), `${filler(n)}\nexport const scale${n} = (v) => v * ${n + 1};\n`);
    writeFileSync(join(dir, "src", "lib", `${name}-b.mjs`), `export const offset${n} = (v) => v + ${n};\n`);
    writeFileSync(
      join(dir, "src", `${name}.mjs`),
      `import { func } from "daft";\nimport { scale${n} } from "./lib/${name}-a.mjs";\nimport { offset${n} } from "./lib/${name}-b.mjs";\n\n` +
        `function clamp(v) {\n  return Math.max(0, Math.min(1000, v));\n}\n\n` +
        `export const first = func({ output: "first${n}", cache: true }, ({ x }) => clamp(scale${n}(x)));\n` +
        `export const second = func({ output: "second${n}", cache: true }, ({ first${n} }) => offset${n}(first${n}));\n`,
    );
  }
  return modules;
}
