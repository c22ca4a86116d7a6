// Stores `count` values of 0.2 – 3 KB under keys made from `<prefix>`, committing every
// `perCommit` of them, as a long run flushing as it goes.
// Usage: node fill-in-commits.mjs <cacheDir> <prefix> <count> <perCommit>
import { distCache } from "./dist-path.mjs";
import { keyOf } from "./values.mjs";

const [cacheDir, prefix, countText, perCommitText] = process.argv.slice(2);
const count = Number(countText);
const perCommit = Number(perCommitText);
const { DiskCache } = await import(distCache);
const cache = new DiskCache({ cacheDir, maxSize: Infinity });
for (let i = 0; i < count; i += 1) {
  const value = "v".repeat(200 + ((i * 131) % 2800));
  // Keys in scattered order, so the pages of the values a prune removes are scattered too.
  cache.setBlob(keyOf(prefix, (i * 2654435761) % 2 ** 32), { value, outputHash: "0123456789abcdef", createdAt: 1, durationMs: 1, nodeName: "filled" });
  if (i % perCommit === perCommit - 1) cache.flush();
}
cache.flush();
