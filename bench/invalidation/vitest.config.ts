// Runs only the invalidation corpus's acceptance test, which `npm test` leaves out (it takes minutes).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["bench/invalidation/acceptance.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 40 * 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
