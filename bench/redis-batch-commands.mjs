// Which Redis commands should RedisCache use for a batch of 1,000 keys: a pipeline of one
// command per key, or one command per batch (MGET / MSET, and the Lua scripts that do GETEX or
// SET … EX for every key when there is a TTL)? Raw ioredis against a private redis-server on
// loopback, started by this script; values of 120 bytes.
//
//   npm run build && node bench/redis-batch-commands.mjs [keys=50000] [rounds=5]
import { Redis } from "ioredis";
import { tsImport } from "tsx/esm/api";
import { readBatch, writeBatch } from "../dist/src/redis/batch-commands.js";

const count = Number(process.argv[2] ?? 50_000);
const rounds = Number(process.argv[3] ?? 5);
const BATCH = 1000;
const TTL = 3600;

const { startRedis } = await tsImport("../test/helpers/redis-server.ts", import.meta.url);
const server = await startRedis();
const client = new Redis(server.url);

const keys = Array.from({ length: count }, (_, i) => `batch:${i}`);
const values = keys.map((_, i) => Buffer.alloc(120, i % 256));
const batches = [];
for (let start = 0; start < count; start += BATCH) batches.push({ keys: keys.slice(start, start + BATCH), values: values.slice(start, start + BATCH) });

const pipelined = (batch, add) => {
  const pipeline = client.pipeline();
  batch.keys.forEach((key, i) => add(pipeline, key, batch.values[i]));
  return pipeline.exec();
};
const cases = {
  "write: pipeline of SET": (batch) => pipelined(batch, (p, key, value) => p.set(key, value)),
  "write: MSET": (batch) => writeBatch(client, batch.keys, batch.values, undefined),
  "write with TTL: pipeline of SET … EX": (batch) => pipelined(batch, (p, key, value) => p.set(key, value, "EX", TTL)),
  "write with TTL: SET … EX script": (batch) => writeBatch(client, batch.keys, batch.values, TTL),
  "read: pipeline of GET": (batch) => pipelined(batch, (p, key) => p.getBuffer(key)),
  "read: MGET": (batch) => readBatch(client, batch.keys, undefined),
  "read with TTL: pipeline of GETEX": (batch) => pipelined(batch, (p, key) => p.getexBuffer(key, "EX", TTL)),
  "read with TTL: GETEX script": (batch) => readBatch(client, batch.keys, TTL),
};
const baselines = {
  write: "write: pipeline of SET",
  "write with TTL": "write with TTL: pipeline of SET … EX",
  read: "read: pipeline of GET",
  "read with TTL": "read with TTL: pipeline of GETEX",
};

const rates = new Map();
try {
  await cases["write: MSET"](batches[0]); // connection and scripts warm
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of Object.entries(cases)) {
      const started = performance.now();
      await Promise.all(batches.map(run));
      const perSecond = count / ((performance.now() - started) / 1000);
      rates.set(name, [...(rates.get(name) ?? []), perSecond]);
    }
  }
} finally {
  client.disconnect();
  await server.stop();
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const rows = [...rates].map(([name, list]) => {
  const baseline = median(rates.get(baselines[name.slice(0, name.indexOf(":"))]));
  return {
    case: name,
    "keys/s (median)": Math.round(median(list)),
    range: `${Math.round(Math.min(...list) / 1000)}k – ${Math.round(Math.max(...list) / 1000)}k`,
    "vs pipeline": `${(median(list) / baseline).toFixed(1)}×`,
  };
});
console.log(`${count.toLocaleString("en")} keys of 120 bytes in batches of ${BATCH}, ${rounds} rounds, node ${process.version}`);
console.table(rows);
