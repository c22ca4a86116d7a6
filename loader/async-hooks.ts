/**
 * `module.register` hooks (Node 20 and other versions without `module.registerHooks`). They
 * run on Node's hooks thread and see ES modules only: a CommonJS module is passed through
 * untouched, so that Node keeps loading it (and everything it `require`s) with its own
 * CommonJS loader.
 *
 * The hooks thread gets no exit event; the main thread asks it to save the caches at exit
 * through `port` and waits until that is finished, but only when there is something to save
 * or to report: a warm start skips the round trip.
 */
import type { MessagePort } from "node:worker_threads";
import { DaftLoader } from "./daft-loader.js";
import { statsWanted, writeStderr } from "./report.js";
import { debugLoader } from "../src/debug/index.js";

export interface AsyncHooksData {
  cacheFile: string | undefined;
  port: MessagePort;
  /** [SAVED] is set to 1 (and notified) when the caches are saved; [UNSAVED] to 1 once there is something to save. */
  state: Int32Array;
}

export const SAVED = 0;
export const UNSAVED = 1;

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

let loader: DaftLoader | undefined;
let state: Int32Array | undefined;

export function initialize(data: AsyncHooksData): void {
  const { cacheFile, port } = data;
  const current = new DaftLoader({ cacheFile, commonJs: false, warn: writeStderr, timed: statsWanted() });
  if (debugLoader.enabled) debugLoader("hooks: module.register on the hooks thread (ES modules)");
  loader = current;
  state = data.state;
  port.on("message", () => {
    try {
      current.save();
      if (statsWanted()) writeStderr(current.report());
    } finally {
      Atomics.store(data.state, SAVED, 1);
      Atomics.notify(data.state, SAVED);
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
  if (loader?.unsaved && state) Atomics.store(state, UNSAVED, 1);
  if (debugLoader.enabled && code !== undefined) debugLoader(`build info injected into ${url}`);
  return code === undefined ? result : { ...result, source: code };
}
