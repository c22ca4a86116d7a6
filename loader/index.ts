/**
 * `node --import daft/loader app.js`: injects build info into every `func` call of the
 * application's modules as Node loads them (see README, "Node loader").
 *
 * Where Node has `module.registerHooks` (22.15+, 23.5+) the hooks run synchronously in this
 * thread and cover `require` too; elsewhere (Node 20) they are registered with
 * `module.register` and run on Node's hooks thread, for ES modules only.
 */
import * as nodeModule from "node:module";
import type { AsyncHooksData } from "./async-hooks.js";
import { loaderCacheFile } from "./project-dir.js";
import { statsWanted } from "./report.js";
// Static, so the bundle is one file: a second module to resolve and load would cost more than
// the few kilobytes Node 20 compiles without using.
import { installSyncHooks } from "./sync-hooks.js";

if (typeof (nodeModule as { registerHooks?: unknown }).registerHooks === "function") {
  // Found when the first module that mentions daft arrives (after the entry path is final).
  installSyncHooks(() => loaderCacheFile());
} else {
  const cacheFile = loaderCacheFile();
  // Loaded here only: worker_threads costs ~2 ms to load, which the registerHooks path saves.
  // Synchronously, so this entry has no top-level await and also loads with require().
  const { MessageChannel } = process.getBuiltinModule("node:worker_threads");
  const { port1, port2 } = new MessageChannel();
  // [0]: saved, [1]: something to save (the indices are SAVED and UNSAVED in async-hooks.ts,
  // which is not imported here: it is the hooks thread's bundle).
  const state = new Int32Array(new SharedArrayBuffer(8));
  const data: AsyncHooksData = { cacheFile, port: port2, state };
  nodeModule.register(new URL("./async-hooks.js", import.meta.url), { data, transferList: [port2] });
  port1.unref();
  const wantStats = statsWanted();
  process.once("exit", () => {
    // A warm start has nothing to write: no round trip.
    if (Atomics.load(state, 1) === 0 && !wantStats) return;
    port1.postMessage("save");
    // Bounded: a hooks thread that cannot answer costs the next run a cold cache, never a hang.
    Atomics.wait(state, 0, 0, 5_000);
  });
}
