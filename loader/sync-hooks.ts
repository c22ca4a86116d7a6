/**
 * `module.registerHooks` (Node 22.15+, 23.5+): synchronous hooks on the loading thread, called
 * for `import` and `require` alike. The caches are written when the process exits.
 */
import * as nodeModule from "node:module";
import { DaftLoader } from "./daft-loader.js";
import { statsWanted, writeStderr } from "./report.js";
import { debugLoader } from "../src/debug/index.js";

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: object) => LoadResult;
type RegisterHooks = (hooks: { load: (url: string, context: object, nextLoad: NextLoad) => LoadResult }) => unknown;

export function installSyncHooks(cacheFile: () => string | undefined): void {
  const loader = new DaftLoader({ cacheFile, commonJs: true, warn: writeStderr, timed: statsWanted() });
  if (debugLoader.enabled) debugLoader("hooks: module.registerHooks (ES modules and CommonJS)");
  (nodeModule as unknown as { registerHooks: RegisterHooks }).registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      const code = loader.transform(url, result.format, result.source);
      if (debugLoader.enabled && code !== undefined) debugLoader(`build info injected into ${url}`);
      return code === undefined ? result : { ...result, source: code };
    },
  });
  process.once("exit", () => {
    loader.save();
    if (statsWanted()) writeStderr(loader.report());
  });
}
