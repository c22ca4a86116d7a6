/**
 * Vite dev server (and Vitest in watch mode): when a file changes, Vite invalidates the modules
 * that import it. A node's hashes can depend on a file several imports away, so the modules whose
 * closure reaches the changed file are invalidated too, and joined to the update so they are
 * transformed again (with new hashes) and re-run.
 */
import type { EnvironmentModuleNode, HotUpdateOptions, Plugin } from "vite";
import type { PluginState } from "./plugin-state.js";

type HotUpdateHook = Extract<NonNullable<Plugin["hotUpdate"]>, (...args: never[]) => unknown>;

export function viteHotUpdate(state: PluginState): HotUpdateHook {
  return function hotUpdate(this: ThisParameterType<HotUpdateHook>, options: HotUpdateOptions) {
    const reaching = state.fileChanged(options.file);
    if (reaching.length === 0) return;
    const graph = this.environment.moduleGraph;
    const modules = new Set<EnvironmentModuleNode>(options.modules);
    const seen = new Set<EnvironmentModuleNode>();
    for (const file of reaching) {
      for (const module of graph.getModulesByFile(file) ?? []) {
        if (modules.has(module)) continue;
        graph.invalidateModule(module, seen, options.timestamp, true);
        modules.add(module);
      }
    }
    return modules.size === options.modules.length ? undefined : [...modules];
  };
}
