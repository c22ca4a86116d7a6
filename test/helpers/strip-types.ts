/**
 * TypeScript support for bundlers that have none built in (Rollup, webpack), standing in for the
 * TypeScript plugin or loader of a real project. The tests list it *before* daft's plugin: daft
 * must still see the original TypeScript, or its hashes would differ from the Node loader's.
 */
import { transform } from "esbuild";
import type { Plugin } from "rollup";

export function stripTypesRollupPlugin(): Plugin {
  return {
    name: "strip-types",
    async transform(code, id) {
      if (!/\.[cm]?tsx?$/.test(id)) return null;
      const result = await transform(code, { loader: "ts", format: "esm", sourcemap: true, sourcefile: id });
      return { code: result.code, map: result.map };
    },
  };
}

/** The webpack loader (a CommonJS file: webpack requires loaders by path). */
export const stripTypesWebpackLoader = new URL("./strip-types-loader.cjs", import.meta.url).pathname;
