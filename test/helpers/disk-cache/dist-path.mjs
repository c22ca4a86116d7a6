// Child scripts load the built package (run `npm run build` first), as another process would.
export const distCache = new URL("../../../dist/src/cache/index.js", import.meta.url).href;
export const distDisk = (file) => new URL(`../../../dist/src/cache/disk/${file}`, import.meta.url).href;

/** Waits until `path` exists, so several children start their work at the same moment. */
export async function waitForFile(path) {
  const { existsSync } = await import("node:fs");
  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 2));
}
