/**
 * Whether this test run has a redis-server (decided once by the global setup, which installs it
 * when it can). Test files that need Redis wrap their suites in `describe.skipIf(redisUnavailable())`.
 */
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the Redis tests cannot run on this machine; null when redis-server is available. */
    redisUnavailable: string | null;
  }
}

/** Why the Redis tests cannot run here, or undefined when they can. */
export function redisUnavailable(): string | undefined {
  return inject("redisUnavailable") ?? undefined;
}
