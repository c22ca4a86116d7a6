/**
 * Reading and writing a batch of keys in one command, chosen by measurement
 * (bench/redis-batch-commands.mjs):
 * - read: MGET; with a TTL to refresh, a small Lua script running GETEX on every key;
 * - write: MSET; with a TTL, a Lua script running SET … EX on every key.
 * A pipeline of one command per key costs the client a command object, a promise and a reply per
 * key; these cost one of each per batch. A key that is absent or holds another Redis type reads
 * as nil, as MGET does. Scripts are sent by SHA (EVALSHA), and by source only when the server
 * does not know them yet.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

const GET_AND_TOUCH = script(`local ttl = ARGV[1]
local values = {}
for i, key in ipairs(KEYS) do
  local value = redis.pcall('GETEX', key, 'EX', ttl)
  if type(value) ~= 'string' then value = false end
  values[i] = value
end
return values`);

const SET_WITH_TTL = script(`local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i + 1], 'EX', ttl)
end
return #KEYS`);

async function run(client: Redis, { source, sha }: Script, keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown> {
  try {
    return await client.callBuffer("EVALSHA", [sha, keys.length, ...keys, ...args]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return await client.callBuffer("EVAL", [source, keys.length, ...keys, ...args]);
  }
}

/** The values of `keys`, in order, null where absent; with `ttlSeconds`, each found key's TTL is refreshed. */
export function readBatch(client: Redis, keys: readonly string[], ttlSeconds: number | undefined): Promise<(Buffer | null)[]> {
  if (ttlSeconds === undefined) return client.mgetBuffer(keys as string[]);
  return run(client, GET_AND_TOUCH, keys, [ttlSeconds]) as Promise<(Buffer | null)[]>;
}

/** Sets every key to its value (all or none: one command), with an expiry when `ttlSeconds` is given. */
export async function writeBatch(client: Redis, keys: readonly string[], values: readonly Buffer[], ttlSeconds: number | undefined): Promise<void> {
  if (ttlSeconds === undefined) {
    const pairs: (string | Buffer)[] = [];
    keys.forEach((key, i) => pairs.push(key, values[i]!));
    await client.mset(...pairs);
    return;
  }
  await run(client, SET_WITH_TTL, keys, [ttlSeconds, ...values]);
}
