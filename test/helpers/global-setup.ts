/**
 * Vitest global setup: provides what the whole run needs from the machine before any test
 * starts. Today that is `redis-server` (redis-provision.ts): found or installed, or the reason
 * the Redis tests are skipped, printed now and again at the end of the run.
 */
import type { TestProject } from "vitest/node";
import type {} from "./redis-availability.js"; // the provided values' types
import { provisionRedisServer } from "./redis-provision.js";

const say = (line: string) => process.stderr.write(`[daft tests] ${line}\n`);

export default function setup(project: TestProject): (() => void) | undefined {
  const found = provisionRedisServer(say);
  if ("binary" in found) {
    // Test workers find the same binary even if it was installed outside their PATH.
    process.env.DAFT_REDIS_SERVER ??= found.binary;
    project.provide("redisUnavailable", null);
    return undefined;
  }
  if (process.env.DAFT_TEST_REQUIRE_REDIS === "1") {
    throw new Error(`The Redis tests must run here (DAFT_TEST_REQUIRE_REDIS=1), but ${found.reason}`);
  }
  const banner = `SKIPPING the Redis tests: ${found.reason}`;
  say(banner);
  project.provide("redisUnavailable", found.reason);
  return () => say(banner);
}
