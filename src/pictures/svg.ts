/**
 * SVG from DOT text, rendered in this process by Graphviz compiled to WebAssembly
 * (@viz-js/viz): no system `dot` binary needed. The module (about 1 MB of WebAssembly) loads on
 * the first render only, so importing daft stays cheap.
 */
import type { Viz } from "@viz-js/viz";

let vizInstance: Promise<Viz> | undefined;

function loadViz(): Promise<Viz> {
  vizInstance ??= import("@viz-js/viz").then(
    (module) => module.instance(),
    (error: unknown) => {
      vizInstance = undefined; // let a later call try again
      throw new Error(`Cannot load @viz-js/viz to render SVG (reinstall daft's dependencies): ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    },
  );
  return vizInstance;
}

/** Renders DOT text to an SVG document that starts at `<svg` (no XML prolog), ready to inline. */
export async function dotToSvg(dot: string): Promise<string> {
  const viz = await loadViz();
  const svg = viz.renderString(dot, { format: "svg", engine: "dot" });
  const start = svg.indexOf("<svg");
  return start === -1 ? svg : svg.slice(start);
}
