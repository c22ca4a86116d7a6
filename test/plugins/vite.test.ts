/**
 * daft/vite: builds fixtures/plugin-app in process with `vite build` (an SSR build of the script,
 * Vite compiling the TypeScript), checks the shared bundler suite, then `vite build --watch`: an
 * edit two imports below a node re-transforms the module that declares it.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { basename, dirname } from "node:path";
import { build, type InlineConfig } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/vite.js";
import { describeBundlerPlugin } from "../helpers/bundler-suite.js";
import { removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { ageFiles, copyPluginApp, hashesOf, runBuilt, transformHashes } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

function config(copy: FixtureCopy, outFile: string): InlineConfig {
  return {
    root: copy.dir,
    configFile: false,
    logLevel: "silent",
    plugins: [daft()],
    // In the test copies daft is a symlink to this repository, which Vite would bundle as a linked
    // package; an installed daft is external by default.
    ssr: { external: ["daft"] },
    build: {
      ssr: "src/main.ts",
      outDir: dirname(outFile),
      emptyOutDir: false,
      minify: false,
      rolldownOptions: { output: { entryFileNames: basename(outFile) } },
    },
  };
}

describeBundlerPlugin("vite", async (copy, outFile) => {
  await build(config(copy, outFile));
});

interface WatcherLike {
  on(event: "event", listener: (event: { code: string; result?: { close(): unknown } }) => void): unknown;
  off(event: "event", listener: (event: { code: string; result?: { close(): unknown } }) => void): unknown;
  close(): Promise<void>;
}

function nextBuild(watcher: WatcherLike): Promise<string> {
  return new Promise((resolve) => {
    const listener = (event: { code: string; result?: { close(): unknown } }): void => {
      if (event.result) void event.result.close();
      if (event.code !== "END" && event.code !== "ERROR") return;
      watcher.off("event", listener);
      resolve(event.code);
    };
    watcher.on("event", listener);
  });
}

describe("daft/vite with vite build --watch", () => {
  it("re-transforms the importer when a file two imports down changes", async () => {
    const copy = copyPluginApp();
    const base = config(copy, "out/main.mjs");
    ageFiles(copy);
    const watcher = (await build({ ...base, build: { ...base.build, watch: {} } })) as unknown as WatcherLike;
    try {
      expect(await nextBuild(watcher)).toBe("END");
      const first = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(first).toEqual(transformHashes(copy));

      const rebuilt = nextBuild(watcher);
      copy.edit("src/text/normalise.ts", "text.toLowerCase()", "text.trim().toLowerCase()");
      expect(await rebuilt).toBe("END");
      const second = hashesOf(await runBuilt(copy, "out/main.mjs"));
      expect(second.tokens!.depsHashes[1]).not.toBe(first.tokens!.depsHashes[1]);
      expect(second).toEqual(transformHashes(copy));
    } finally {
      await watcher.close();
    }
  });
});

describe("daft/vite source maps", () => {
  const LINE = 'export const tokens = func({ output: "tokens", cache: true }, ({ text }: { text: string }): string[] => tokenize(text));';

  it("map code after an injected build info back to its original line and column", async () => {
    const copy = copyPluginApp();
    // A token after the insertion point on the line of a func call: its column moves in the transform's output.
    // A side effect, so the bundle keeps it.
    copy.edit("src/pipeline.ts", LINE, `${LINE} (globalThis as Record<string, unknown>).daftMarker = 1;`);
    const base = config(copy, "out/main.mjs");
    await build({ ...base, build: { ...base.build, sourcemap: true } });
    const bundle = readFileSync(copy.path("out/main.mjs"), "utf8");
    const map = new SourceMap(JSON.parse(readFileSync(copy.path("out/main.mjs.map"), "utf8")));
    const at = bundle.indexOf("daftMarker");
    expect(at).toBeGreaterThan(-1);
    const before = bundle.slice(0, at);
    const entry = map.findEntry(before.split("\n").length - 1, at - (before.lastIndexOf("\n") + 1)) as { originalLine: number; originalColumn: number; originalSource: string };
    const original = readFileSync(copy.path("src/pipeline.ts"), "utf8").split("\n");
    const line = original.findIndex((text) => text.includes("daftMarker"));
    expect(entry.originalSource).toMatch(/pipeline\.ts$/);
    expect([entry.originalLine, entry.originalColumn]).toEqual([line, original[line]!.indexOf("daftMarker")]);
  });

  it("emits no map and still injects build info when the build asks for no source map", async () => {
    const copy = copyPluginApp();
    await build(config(copy, "out/main.mjs"));
    expect(existsSync(copy.path("out/main.mjs.map"))).toBe(false);
    expect(readFileSync(copy.path("out/main.mjs"), "utf8")).toContain('"codeHash":');
  });
});
