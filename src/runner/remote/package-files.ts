/**
 * Files and packages the parallel modes load at run time, out of bundlers' sight. An app that
 * bundles daft (webpack, rspack) would otherwise follow `import("bullmq")` into bullmq's optional
 * database drivers, and a path relative to `import.meta.url` would point into the app's bundle.
 */
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";

function requireHere(): NodeJS.Require {
  // Through getBuiltinModule: a bundler sees no require() to follow.
  return process.getBuiltinModule("node:module").createRequire(import.meta.url);
}

/** A package (or a file path) loaded with require() when first needed. */
export function loadAtRunTime<T>(specifier: string): T {
  return requireHere()(specifier) as T;
}

/**
 * The URL of a file of daft's `dist/src/`. The runtime is bundled into `dist/src/index.js` while
 * the rest keeps tsc's layout; from the sources (tests, tsx) the built files beside them count;
 * from an app's bundle, the installed package's.
 */
export function distFileUrl(pathInDistSrc: string): string {
  const here = import.meta.url;
  const anchor = here.lastIndexOf("/dist/src/");
  if (anchor >= 0) return `${here.slice(0, anchor)}/dist/src/${pathInDistSrc}`;
  const source = here.lastIndexOf("/src/runner/");
  if (source >= 0) return `${here.slice(0, source)}/dist/src/${pathInDistSrc}`;
  const packageDir = dirname(requireHere().resolve("daft/package.json"));
  return pathToFileURL(`${packageDir}/dist/src/${pathInDistSrc}`).href;
}
