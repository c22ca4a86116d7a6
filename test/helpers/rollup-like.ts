/**
 * What the Rollup and Rolldown tests share: both watchers have the same shape (an "event" stream
 * with codes, builds to close, `close()`), so one watch-mode scenario serves both.
 */
import { expect } from "vitest";
import type { FixtureCopy } from "./fixture.js";
import { ageFiles, hashesOf, runBuilt, transformHashes } from "./plugin-app.js";

interface WatcherEvent {
  code: string;
  result?: { close(): Promise<void> } | null;
}

export interface WatcherLike {
  on(event: "event", listener: (event: WatcherEvent) => void): unknown;
  off(event: "event", listener: (event: WatcherEvent) => void): unknown;
  close(): Promise<void>;
}

/** Resolves with the next event of one of these kinds (closing every build it passes). */
function nextEvent(watcher: WatcherLike, codes: string[]): Promise<WatcherEvent> {
  return new Promise((resolve) => {
    const listener = (event: WatcherEvent): void => {
      if ("result" in event && event.result) void event.result.close();
      if (!codes.includes(event.code)) return;
      watcher.off("event", listener);
      resolve(event);
    };
    watcher.on("event", listener);
  });
}

/**
 * Watch mode: the first build injects the transform's hashes; an edit two imports below a node
 * re-transforms the module that declares it, with a new dependency hash. `startWatch` builds
 * `out/main.mjs` of the copy, collecting the bundler's warnings in `warnings`.
 */
export async function expectWatchReTransformsImporter(copy: FixtureCopy, startWatch: () => WatcherLike, warnings: string[]): Promise<void> {
  ageFiles(copy);
  const watcher = startWatch();
  try {
    expect((await nextEvent(watcher, ["END", "ERROR"])).code).toBe("END");
    const first = hashesOf(await runBuilt(copy, "out/main.mjs"));
    expect(first).toEqual(transformHashes(copy));

    const rebuilt = nextEvent(watcher, ["END", "ERROR"]);
    copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
    expect((await rebuilt).code).toBe("END");
    const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
    expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
    expect(second).toEqual(transformHashes(copy));
    expect(warnings).toEqual([]);
  } finally {
    await watcher.close();
  }
}
