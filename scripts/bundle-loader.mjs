// Bundles the Node loader after `tsc`: `node --import daft/loader` should load one small file,
// not the ~20 modules of the transform (each ES module costs a resolve, a read and a compile
// before the application's first line runs). Three entries, each self-contained:
//   dist/loader/index.js        the --import entry: picks the hook API, registers it
//   dist/loader/sync-hooks.js   module.registerHooks (imported by index.js where Node has it)
//   dist/loader/async-hooks.js  module.register hooks (loaded on Node's hooks thread)
// npm packages stay external (the parser is loaded lazily), and so does the xxhash module, so
// the loader and the daft runtime share one WebAssembly instance.
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const xxhashSource = join(repo, "src", "hashing", "xxhash.ts");

/** Imports between the three entries, and of the shared xxhash module, stay imports of dist/ files. */
const keepDistImports = {
  name: "keep-dist-imports",
  setup(context) {
    context.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
      if (target === xxhashSource) return { path: "../src/hashing/xxhash.js", external: true };
      if (args.importer.endsWith(join("loader", "index.ts")) && /[\\/]loader[\\/](sync|async)-hooks\.ts$/.test(target)) {
        return { path: args.path, external: true };
      }
      return undefined;
    });
  },
};

await build({
  absWorkingDir: repo,
  entryPoints: ["loader/index.ts", "loader/sync-hooks.ts", "loader/async-hooks.ts"],
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
