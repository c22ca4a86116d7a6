import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Finds or installs redis-server before any test (or says why the Redis tests are skipped).
    globalSetup: ["test/helpers/global-setup.ts"],
    // Many tests start real child processes and bundlers: give them room, and keep the
    // machine's two cores for the children rather than for parallel test files.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
