/**
 * `daft/redis`: a cache backend many machines share. Loaded only when imported, so `import "daft"`
 * never loads ioredis.
 */
export { DEFAULT_PREFIX, DEFAULT_REDIS_URL, RedisCache, type RedisCacheOptions } from "./redis-cache.js";
export { CONNECT_TIMEOUT_MS, RedisConnectionError } from "./connection.js";
