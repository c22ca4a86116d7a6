/**
 * Hashes are content hashes: the same values built in another process — with every object, Map
 * and Set filled in the opposite insertion order, other V8 hash and random seeds, another time
 * zone — give exactly the same hashes as in this process. The child imports the built package
 * (dist/, which `npm test` builds first), as users' processes do.
 *
 * Node 22 and 24 (installed on first use by test/helpers/other-nodes.ts) must agree too.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashValue } from "../../src/hashing/hash-value.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { OTHER_NODE_MAJORS, otherNode } from "../helpers/other-nodes.js";

/** Plain JavaScript, so this process and the children build the values from the same source. */
const VALUES_MODULE = String.raw`
export function makeValues(reversed) {
  const order = (entries) => (reversed ? [...entries].reverse() : entries);
  const record = (entries) => Object.fromEntries(order(entries));
  class Point {
    constructor(x, y) {
      if (reversed) { this.y = y; this.x = x; } else { this.x = x; this.y = y; }
    }
  }
  class Doc {
    constructor(id) { this.id = id; this.body = "x".repeat(1000); }
    [Symbol.for("daft.cacheKey")]() { return record([["id", this.id], ["v", 2]]); }
  }
  const cyclic = record([["name", "root"], ["children", []]]);
  cyclic.children.push(record([["parent", cyclic], ["n", 1]]));
  const shared = { s: [1, 2] };
  const wide = {};
  for (const i of order(Array.from({ length: 5000 }, (_, i) => i))) wide["key" + i] = { i, text: "value " + i, list: [i, i / 7] };
  return {
    primitives: [1, -0, 0, NaN, Infinity, -Infinity, 1.5e-300, 2 ** 53 + 2, 0.1 + 0.2, 2n ** 100n, -7n, "text", "é😀\uD800", true, false, null, undefined],
    record: record([["b", 1], ["a", [1, , 3]], ["c", record([["y", 2], ["x", 1], ["10", 0], ["9", 0]])]]),
    map: new Map(order([["a", 1], [2, "b"], [record([["k", 1], ["j", 2]]), [1]], [null, new Map(order([[1, 1], [2, 2]]))]])),
    set: new Set(order([1, "1", 1n, [1], record([["q", 1], ["p", 2]])])),
    date: new Date(Date.UTC(2024, 1, 29, 12, 30)),
    invalidDate: new Date(NaN),
    regexp: /a+b/giu,
    typed: [new Float32Array([1.5, 2]), new Int16Array([-1, 2]), new BigInt64Array([-(2n ** 60n)]), new Uint8ClampedArray([255]), new DataView(new ArrayBuffer(3)), new Uint8Array([1, 2, 3]).buffer, Buffer.from("héllo")],
    bigBinary: new Float64Array(1 << 19).map((_, i) => Math.fround(i / 3)),
    instance: new Point(1, 2),
    nullProto: Object.assign(Object.create(null), record([["z", 1], ["a", 2]])),
    fn: function area(r) { return Math.PI * r * r; },
    arrow: (a, b) => a + b,
    boxed: [new Number(3), new String("s"), new Boolean(true), Object(5n)],
    error: Object.assign(new RangeError("out of range"), { code: "E_RANGE" }),
    keyed: new Doc("d-1"),
    cyclic,
    shared: { a: shared, b: shared },
    url: new URL("https://example.com/a?b=1#c"),
    wide,
    longText: "lorem ipsum ✓ ".repeat(100000),
    builtins: [Math.max, Array.prototype.map, Map.prototype.forEach, Number, JSON.stringify],
    largeParts: { docs: { list: Array.from({ length: 8000 }, (_, i) => record([["i", i], ["name", "doc " + i]])) }, map: new Map(order([["big", Array.from({ length: 9000 }, (_, i) => i)], ["small", 1]])) },
    dag: (() => {
      let node = record([["leaf", true]]);
      for (let i = 0; i < 40; i++) node = i % 3 === 2 ? new Map(order([["l", node], ["r", node]])) : record([["a", node], ["b", [node]]]);
      return node;
    })(),
  };
}
`;

const CHILD_SCRIPT = (hashModule: string) => `
import { makeValues } from "./values.mjs";
const { hashValue } = await import(${JSON.stringify(hashModule)});
const hashes = {};
for (const [name, value] of Object.entries(makeValues(process.argv[2] === "reversed"))) hashes[name] = hashValue(value);
process.stdout.write(JSON.stringify(hashes));
`;

const builtHashModule = join(repoRoot, "dist/src/hashing/hash-value.js");
let dir: string;
let expected: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(builtHashModule)) throw new Error(`${builtHashModule} is missing: run \`npm run build\` first (npm test does).`);
  dir = makeTempDir("daft-hash-stability-");
  writeFileSync(join(dir, "values.mjs"), VALUES_MODULE);
  writeFileSync(join(dir, "child.mjs"), CHILD_SCRIPT(pathToFileURL(builtHashModule).href));
  const { makeValues } = (await import(pathToFileURL(join(dir, "values.mjs")).href)) as {
    makeValues(reversed: boolean): Record<string, unknown>;
  };
  expected = Object.fromEntries(Object.entries(makeValues(false)).map(([name, value]) => [name, hashValue(value)]));
});

afterAll(removeTempDirs);

async function childHashes(args: string[], options: { node?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Record<string, string>> {
  const result = await runNode(args, { cwd: dir, ...options });
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe("hashes are stable across processes", () => {
  it("the fixture covers many kinds of values and they all hash differently", () => {
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(new Set(Object.values(expected)).size).toBe(Object.keys(expected).length);
  });

  it("a child building the same values in the same order gets the same hashes", async () => {
    expect(await childHashes(["child.mjs", "forward"])).toEqual(expected);
  });

  it("a child building every object, Map and Set in reverse order, with other V8 seeds and time zone, too", async () => {
    const hashes = await childHashes(["--hash-seed=1234567", "--random-seed=42", "child.mjs", "reversed"], {
      env: { ...process.env, TZ: "Pacific/Kiritimati", LANG: "de_DE.UTF-8" },
    });
    expect(hashes).toEqual(expected);
  });

  it.each(OTHER_NODE_MAJORS)("Node %i gets the same hashes", async (major) => {
    expect(await childHashes(["child.mjs", "reversed"], { node: await otherNode(major) })).toEqual(expected);
  }, 600_000);
});
