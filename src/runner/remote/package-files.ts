/**
 * Files of this package that workers load by path. The runtime is bundled into
 * `dist/src/index.js` while the rest of `dist/` keeps tsc's layout, so a path relative to
 * `import.meta.url` depends on which of the two is running: anchor it at `dist/src/` instead.
 */
export function distFileUrl(pathInDistSrc: string): string {
  const here = import.meta.url;
  const anchor = here.lastIndexOf("/dist/src/");
  // From the TypeScript sources (tests, tsx): the built files beside them.
  const base = anchor >= 0 ? here.slice(0, anchor) : here.slice(0, here.lastIndexOf("/src/"));
  return `${base}/dist/src/${pathInDistSrc}`;
}
