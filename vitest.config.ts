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
    // In-process tests declare nodes in files that import daft's source by path, which the
    // transform (looking for func imported from "daft") does not recognise: each such cached node
    // would say once that it has no build info. Child-process tests see that warning as users do.
    execArgv: ["--disable-warning=DAFT_NO_BUILD_INFO"],
    maxWorkers: 2,
  },
});
