/**
 * The one unplugin factory behind `daft/vite`, `daft/rollup`, `daft/esbuild`, `daft/webpack` and
 * `daft/rspack`. Build info always comes from the module's file as written, so a function gets
 * the same hashes from every bundler and from the Node loader: the transform runs before other
 * plugins' transforms (`enforce: "pre"`, `order: "pre"`), and where a plugin compiled the module
 * before any transform could (@rollup/plugin-typescript compiles in `load`), the transform core
 * injects the build info of the file on disk into the compiled code (plugin-state.ts).
 *
 * - `transform.filter`: the id filter (source extensions, `include`/`exclude`) and a code filter
 *   (the module names "daft" in a string). Vite and Rollup ≥ 4.40 apply it without calling the
 *   plugin; for webpack and rspack unplugin attaches the loader only to matching ids; for esbuild
 *   the `onLoad` filter keeps other file types in Go.
 * - Watching: every file a node's hashes depend on is declared with `addWatchFile` (webpack and
 *   rspack: a loader dependency; esbuild: the `watchFiles` of the load result), and changes
 *   reach the transformer through `watchChange`, Vite's `hotUpdate`, and a stat check at the
 *   start of each rebuild (for esbuild, which reports no changes).
 */
import type { UnpluginFactory, UnpluginOptions } from "unplugin";
import { NAMES_DAFT, SOURCE_PATH } from "../src/transform/index.js";
import { resolveOptions, type DaftPluginOptions } from "./options.js";
import { PluginState } from "./plugin-state.js";
import { esbuildLoaderFor } from "./esbuild-loader.js";
import { viteHotUpdate } from "./vite-hot-update.js";

export const PLUGIN_NAME = "daft";

export const daftPluginFactory: UnpluginFactory<DaftPluginOptions | undefined, false> = (userOptions = {}) => {
  const options = resolveOptions(userOptions);
  const state = new PluginState(options);
  const esbuildLoader = esbuildLoaderFor();

  const transform: NonNullable<UnpluginOptions["transform"]> & { order: "pre" } = {
    // Rollup has no `enforce`: the hook order puts this transform before TypeScript/JSX plugins.
    order: "pre",
    filter: {
      id: { include: options.include, exclude: options.exclude },
      code: NAMES_DAFT,
    },
    handler(code, id) {
      const { result, warnings } = state.transform(code, id);
      for (const message of warnings) this.warn(message);
      if (!result) return undefined;
      // Undefined in contexts where a bundler cannot watch (an rspack loader without compilation);
      // pointless in a one-shot Rollup or Vite build, where a closure may declare thousands of files.
      if (typeof this.addWatchFile === "function" && (this as { meta?: { watchMode?: boolean } }).meta?.watchMode !== false) {
        for (const file of result.watchFiles) this.addWatchFile(file);
      }
      // Without a map (null: "positions unchanged") where none is emitted: a map costs more to
      // make and for the bundler to read than the transform itself.
      return { code: result.code, map: state.sourceMaps ? result.map : null };
    },
  };

  return {
    name: PLUGIN_NAME,
    enforce: "pre",
    buildStart() {
      state.startBuild();
    },
    transform,
    watchChange(id) {
      state.fileChanged(id);
    },
    buildEnd() {
      state.save();
    },
    vite: {
      configResolved(config) {
        state.setBundlerRoot(config.root);
        // The dev server (and Vitest) always serves maps; a build only when asked to.
        state.sourceMaps = config.command === "serve" || Boolean(config.build.sourcemap);
      },
      hotUpdate: viteHotUpdate(state),
    },
    webpack(compiler) {
      state.setBundlerRoot(compiler.options.context);
    },
    rspack(compiler) {
      state.setBundlerRoot(compiler.options.context);
    },
    esbuild: {
      // esbuild calls JavaScript only for files this Go regex matches.
      onLoadFilter: SOURCE_PATH,
      config(buildOptions) {
        state.setBundlerRoot(buildOptions.absWorkingDir);
        esbuildLoader.configure(buildOptions.loader);
      },
      loader: esbuildLoader.loaderFor,
    },
  };
};
