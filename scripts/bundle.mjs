// Bundles the entry points users load at start-up, after `tsc`: each ES module costs a resolve,
// a read and a compile before the application's first line runs (and, under Node 20's
// `module.register` hooks, a round trip to the hooks thread), so `import "daft"` and
// `node --import daft/loader` should each load one file, not dozens.
//   dist/src/index.js           the runtime (`daft`)
//   dist/loader/index.js           the --import entry: picks the hook API and registers it; holds
//                                  the module.registerHooks hooks and the transform's light part
//   dist/loader/async-hooks.js     module.register hooks (loaded on Node's hooks thread), the same
//   dist/loader/transform-cold.js  the transform's cold part (src/transform/cold/), loaded with
//                                  require() only when a module is not answered from the cache:
//                                  a warm start compiles ~15 KB instead of ~60 KB
//   dist/loader/runtime-transform.js  the transform's light part for the runtime, require()d by
//                                  dist/src/index.js only when a cached node has no build info
//                                  (src/runtime-build/transform-access-bundled.ts)
// In the two loader bundles src/transform/cold-part.ts (a static import of the cold part) is
// replaced by src/transform/cold-part-bundled.ts, which require()s transform-cold.js instead.
// npm packages stay external (heavy ones are loaded lazily), and so does the xxhash module, so
// the runtime and the loader share one WebAssembly instance; the cold part, a bundle of its own,
// gets the light part's hash functions through src/transform/hashing-handoff.ts instead of a
// second instance. The other files tsc wrote stay as they are, for the remaining entries
// (transform, plugins, CLI) and their type declarations, except:
//   dist/src/hashing/xxhash.js  rebuilt with xxhash-wasm's binary inline (from source it is read
//                               from the installed package), so no published file reads it
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A plugin that resolves every relative import of the source module `source` (a path in this
 * repository, as written in src/) to `resolution` instead.
 */
function replaceModule(name, source, resolution) {
  const target = join(repo, ...source.split("/"));
  return {
    name,
    setup(context) {
      context.onResolve({ filter: /^\.\.?\// }, (args) => {
        return resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts")) === target ? resolution : undefined;
      });
    },
  };
}

/** The xxhash module stays an import of its dist/ file, shared by every bundle. */
function keepXxhashShared(outdir) {
  const fromBundle = relative(join(repo, outdir), join(repo, "dist", "src", "hashing", "xxhash.js")).split("\\").join("/");
  return replaceModule("keep-xxhash-shared", "src/hashing/xxhash.ts", { path: fromBundle.startsWith(".") ? fromBundle : `./${fromBundle}`, external: true });
}

/** The loader's start-up bundles load the transform's cold part from its own bundle, on first need. */
const coldPartOnDemand = () =>
  replaceModule("cold-part-on-demand", "src/transform/cold-part.ts", { path: join(repo, "src", "transform", "cold-part-bundled.ts") });

/** The runtime loads the transform's light part from its own bundle, only for a node without build info. */
const transformOnDemand = () =>
  replaceModule("transform-on-demand", "src/runtime-build/transform-access.ts", {
    path: join(repo, "src", "runtime-build", "transform-access-bundled.ts"),
  });

/** For the cold part's bundle: the xxhash module becomes the hand-off module the light part fills. */
const handOffXxhash = () => replaceModule("hand-off-xxhash", "src/hashing/xxhash.ts", { path: join(repo, "src", "transform", "hashing-handoff.ts") });

/** xxhash-wasm's licence (MIT), as a comment for the file that holds its binary. */
function xxhashWasmNotice() {
  const packageDir = join(dirname(createRequire(import.meta.url).resolve("xxhash-wasm")), "..");
  const licence = readFileSync(join(packageDir, "LICENSE.md"), "utf8").trim().replaceAll("*/", "* /");
  return `/*! The WebAssembly binary below is xxhash-wasm's (https://github.com/jungomi/xxhash-wasm):\n${licence}\n*/`;
}

/** The binary module becomes its bytes, inline (esbuild's `binary` loader). */
async function inlineXxhashBinary() {
  const binaryModule = join(repo, "dist", "src", "hashing", "xxhash-wasm-binary.js");
  const { default: binary } = await import(binaryModule);
  return {
    name: "inline-xxhash-binary",
    setup(context) {
      context.onResolve({ filter: /\/xxhash-wasm-binary\.js$/ }, () => ({ path: "xxhash-wasm/xxhash.wasm", namespace: "inline" }));
      context.onLoad({ filter: /.*/, namespace: "inline" }, () => ({ contents: binary, loader: "binary" }));
    },
  };
}

const minify = process.env.DAFT_BUNDLE_READABLE !== "1";

const common = {
  absWorkingDir: repo,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
};

const [loaderBuild, , runtimeBuild] = await Promise.all([
  build({
    ...common,
    entryPoints: { index: "loader/index.ts", "async-hooks": "loader/async-hooks.ts", "runtime-transform": "src/transform/index.ts" },
    outdir: "dist/loader",
    plugins: [keepXxhashShared("dist/loader"), coldPartOnDemand()],
    metafile: true,
    minify,
  }),
  build({
    ...common,
    entryPoints: { "transform-cold": "src/transform/cold/bundle-entry.ts" },
    outdir: "dist/loader",
    plugins: [handOffXxhash()],
    minify,
  }),
  // The runtime is not minified, so its frames keep their names in users' stack traces (and
  // no `keepNames` wrapper runs on the hot path each time a closure is created).
  build({
    ...common,
    entryPoints: ["src/index.ts"],
    outdir: "dist/src",
    plugins: [keepXxhashShared("dist/src"), transformOnDemand()],
    metafile: true,
  }),
  build({
    ...common,
    entryPoints: ["src/hashing/xxhash.ts"],
    outdir: "dist/src/hashing",
    plugins: [await inlineXxhashBinary()],
    // The file carries xxhash-wasm's binary: its licence travels with it.
    banner: { js: xxhashWasmNotice() },
  }),
]);
for (const suffix of [".js", ".js.map", ".d.ts"]) rmSync(join(repo, "dist", "src", "hashing", `xxhash-wasm-binary${suffix}`), { force: true });

// The start-up bundles must not hold the cold part: that is the whole point of the split.
const coldInputs = Object.keys(loaderBuild.metafile.inputs).filter((input) => input.startsWith("src/transform/cold/"));
if (coldInputs.length > 0) throw new Error(`the loader's start-up bundles include the transform's cold part: ${coldInputs.join(", ")}`);
// Nor may the runtime's bundle hold any of the transform: it loads it only for a node without build info.
const transformInputs = Object.keys(runtimeBuild.metafile.inputs).filter((input) => input.startsWith("src/transform/") && input !== "src/transform/index.ts");
if (transformInputs.length > 0) throw new Error(`the runtime bundle includes the transform: ${transformInputs.join(", ")}`);
