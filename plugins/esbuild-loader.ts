/**
 * esbuild: once the plugin returns a module's contents, esbuild takes the loader from the plugin,
 * not from the build's `loader` option. This keeps the user's mapping (e.g. `".js": "jsx"`) and
 * otherwise picks the loader esbuild would pick by extension.
 */
import { extname } from "node:path";
import type { Loader } from "esbuild";

const BY_EXTENSION: Record<string, Loader> = {
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
};

export function esbuildLoaderFor(): {
  configure(loaders: Record<string, Loader> | undefined): void;
  loaderFor(code: string, id: string): Loader;
} {
  let userLoaders: Record<string, Loader> = {};
  return {
    configure(loaders) {
      userLoaders = loaders ?? {};
    },
    loaderFor(_code, id) {
      const extension = extname(id.replace(/[?#].*$/, "")).toLowerCase();
      return userLoaders[extension] ?? BY_EXTENSION[extension] ?? "js";
    },
  };
}
