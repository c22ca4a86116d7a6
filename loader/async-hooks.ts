/**
 * `module.register` hooks (Node 20 and other versions without `module.registerHooks`). They
 * run on Node's hooks thread and see ES modules only: a CommonJS module is passed through
 * untouched, so that Node keeps loading it (and everything it `require`s) with its own
 * CommonJS loader.
 *
 * The hooks thread gets no exit event; the main thread asks it to save the caches at exit
 * through `port` and waits until that is finished, but only when there can be something to
 * save (the cold path was loaded) or to report: a warm start skips the round trip.
 */
import type { MessagePort } from "node:worker_threads";
import { DaftLoader } from "./daft-loader.js";
import { statsWanted, writeStderr } from "./report.js";
import { debugLoader } from "../src/debug/index.js";

export interface AsyncHooksData {
  cacheDir: string | undefined;
  port: MessagePort;
  /** [SAVED] is set to 1 (and notified) when the caches are saved; [COLD_PATH] to 1 once the cold path is loaded. */
  state: Int32Array;
}

export const SAVED = 0;
export const COLD_PATH = 1;

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

let loader: DaftLoader | undefined;

export function initialize({ cacheDir, port, state }: AsyncHooksData): void {
  const current = new DaftLoader({
    cacheDir,
    commonJs: false,
    warn: writeStderr,
    timed: statsWanted(),
    onColdPath: () => Atomics.store(state, COLD_PATH, 1),
  });
  if (debugLoader.enabled) debugLoader(`hooks: module.register on the hooks thread (ES modules), caches in ${cacheDir ?? "memory only"}`);
  loader = current;
  port.on("message", () => {
    try {
      current.save();
      if (statsWanted()) writeStderr(current.report());
    } finally {
      Atomics.store(state, SAVED, 1);
      Atomics.notify(state, SAVED);
    }
  });
  port.unref();
}

export async function load(
  url: string,
  context: object,
  nextLoad: (url: string, context?: object) => Promise<LoadResult>,
): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  const code = loader?.transform(url, result.format, result.source);
  if (debugLoader.enabled && code !== undefined) debugLoader(`build info injected into ${url}`);
  return code === undefined ? result : { ...result, source: code };
}
