// Bundles the Node loader after `tsc`: `node --import daft/loader` should load one small file,
// not the ~20 modules of the transform (each ES module costs a resolve, a read and a compile
// before the application's first line runs). Two entries, each self-contained:
//   dist/loader/index.js        the --import entry: picks the hook API and registers it; holds
//                               the module.registerHooks hooks and the transform
//   dist/loader/async-hooks.js  module.register hooks (loaded on Node's hooks thread)
// npm packages stay external (the parser is loaded lazily), and so does the xxhash module, so
// the loader and the daft runtime share one WebAssembly instance.
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const xxhashSource = join(repo, "src", "hashing", "xxhash.ts");

/** The xxhash module stays an import of its dist/ file, shared with the runtime. */
const keepDistImports = {
  name: "keep-dist-imports",
  setup(context) {
    context.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
      if (target === xxhashSource) return { path: "../src/hashing/xxhash.js", external: true };
      return undefined;
    });
  },
};

await build({
  absWorkingDir: repo,
  entryPoints: ["loader/index.ts", "loader/async-hooks.ts"],
  outdir: "dist/loader",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  plugins: [keepDistImports],
  sourcemap: "linked",
  minify: process.env.DAFT_BUNDLE_READABLE !== "1",
  logLevel: "warning",
});
