/**
 * The state one plugin instance keeps for its whole life (one build, or a watch session, or a
 * dev server): one transformer, so every module of the build shares its caches, and the closure
 * bookkeeping that turns file changes into invalidations.
 */
import { resolve } from "node:path";
import { createTransformer, transformablePath, type Transformer, type TransformResult } from "../src/transform/index.js";
import { ClosureFiles } from "./closure-files.js";
import type { ResolvedOptions } from "./options.js";

export class PluginState {
  private transformer: Transformer | undefined;
  private bundlerRoot = process.cwd();
  /**
   * Whether the bundler may use a source map of the transform. True unless the bundler says
   * otherwise (a Vite build with `build.sourcemap` off emits no map and reads none).
   */
  sourceMaps = true;
  /** Warnings of the transform() call in progress (the transformer is synchronous). */
  private collecting: string[] | undefined;
  readonly closure = new ClosureFiles();

  constructor(private readonly options: ResolvedOptions) {}

  /** The bundler's own root (Vite's root, webpack's context…): where the default cache file goes. */
  setBundlerRoot(dir: string | undefined): void {
    if (dir && !this.transformer) this.bundlerRoot = resolve(dir);
  }

  /**
   * A build (or rebuild) starts. On rebuilds, files that changed on disk without the bundler
   * telling us (esbuild reports no changes; a watcher may miss some) are forgotten first.
   */
  startBuild(): void {
    const transformer = this.get();
    for (const file of this.closure.changedSincePreviousBuild()) transformer.invalidate(file);
  }

  /** The transformed module and its warnings; `result` is undefined when there is nothing to inject. */
  transform(code: string, id: string): { result: TransformResult | undefined; warnings: string[] } {
    const file = transformablePath(id);
    if (file === undefined) return { result: undefined, warnings: [] };
    const warnings: string[] = [];
    this.collecting = warnings;
    try {
      const result = this.transformArrived(code, file, warnings);
      if (result) this.closure.record(resolve(file), result.watchFiles);
      return { result, warnings };
    } finally {
      this.collecting = undefined;
    }
  }

  /**
   * Build info always comes from the file as written, even when a plugin compiled the module
   * before any transform ran (@rollup/plugin-typescript compiles in its `load` hook, so hook order
   * cannot put daft first): it goes into the compiled code at the func calls, matched in order.
   * Calls that cannot be matched leave the code as it arrived to be transformed as it is.
   */
  private transformArrived(code: string, file: string, warnings: string[]): TransformResult | undefined {
    const transformer = this.get();
    const loaded = transformer.transformLoaded(code, file);
    if (!("problem" in loaded)) return loaded.result;
    warnings.push(
      `daft: ${file}: ${loaded.problem}: a plugin compiled this module before daft's transform saw it, so its build info ` +
        `comes from the compiled code, and its hashes differ from those of the file as written (the Node loader's).`,
    );
    return transformer.transform(code, file);
  }

  /**
   * `file` changed, appeared or disappeared. Returns the modules whose nodes reach it: their
   * hashes are stale, even when they do not import the file directly.
   */
  fileChanged(file: string): string[] {
    const path = resolve(transformablePath(file) ?? file);
    this.transformer?.invalidate(path);
    this.closure.changed(path);
    return this.closure.modulesReaching(path);
  }

  save(): void {
    this.transformer?.save();
  }

  private get(): Transformer {
    this.transformer ??= createTransformer({
      root: this.options.root,
      maxDependencyDepth: this.options.maxDependencyDepth,
      persistentCacheFile: this.options.cacheFile(this.bundlerRoot),
      onWarning: (message) => this.collecting?.push(message),
    });
    return this.transformer;
  }
}
