// What it costs to encode and decode the payload of one DiskCache entry, by the kind of result:
// the compact layout (primitives) against v8 serialisation of the same entry (what every entry
// took before, and what other values still take), both run in this process, alternating.
//
//   npm run build && node bench/disk-cache-payload.mjs [entries=100000] [rounds=5]
import { encodeEntryPayload, decodeEntryPayload } from "../dist/src/cache/disk/entry-payload.js";
import { deserializeValue, serializeValue } from "../dist/src/cache/values/value-codec.js";

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const HEADROOM = 32; // the value record's header, as DiskCache writes it
const entryOf = (value, i) => ({ value, outputHash: "0123456789abcdef", createdAt: 1_700_000_000_000 + i, durationMs: 0.01, nodeName: `scored::${i}` });
const kinds = {
  "number": (i) => entryOf(i * 0.5 + 2, i),
  "short string": (i) => entryOf(`label-${i % 97}`, i),
  "boolean": (i) => entryOf(i % 2 === 0, i),
  "small object (v8 either way)": (i) => entryOf({ id: i, score: i / 7 }, i),
};

const time = (fn) => {
  const started = performance.now();
  fn();
  return ((performance.now() - started) * 1000) / count; // µs per entry
};
const range = (values) => `${Math.min(...values).toFixed(2)} – ${Math.max(...values).toFixed(2)}`;

const rows = [];
for (const [kind, make] of Object.entries(kinds)) {
  const entries = Array.from({ length: count }, (_, i) => make(i));
  const figures = { v8Encode: [], encode: [], v8Decode: [], decode: [] };
  for (let round = -1; round < rounds; round++) {
    let v8Payloads;
    let payloads;
    const v8Encode = time(() => (v8Payloads = entries.map((entry) => serializeValue(entry, { hasNullPrototype: false, headroom: HEADROOM }))));
    const encode = time(() => (payloads = entries.map((entry) => encodeEntryPayload(entry, HEADROOM, false))));
    const v8Decode = time(() => v8Payloads.forEach((bytes) => deserializeValue(bytes.subarray(HEADROOM))));
    const decode = time(() => payloads.forEach((bytes) => decodeEntryPayload(bytes.subarray(HEADROOM))));
    if (round < 0) continue; // warm-up
    figures.v8Encode.push(v8Encode);
    figures.encode.push(encode);
    figures.v8Decode.push(v8Decode);
    figures.decode.push(decode);
  }
  const ratio = (a, b) => range(a.map((value, i) => value / b[i]));
  rows.push({
    result: kind,
    "encode µs (v8)": range(figures.v8Encode),
    "encode µs (payload)": range(figures.encode),
    "v8 / payload": `${ratio(figures.v8Encode, figures.encode)}×`,
    "decode µs (v8)": range(figures.v8Decode),
    "decode µs (payload)": range(figures.decode),
    "v8 / payload ": `${ratio(figures.v8Decode, figures.decode)}×`,
  });
}
console.log(`DiskCache entry payloads, ${count} entries, ${rounds} rounds (node ${process.version}); ranges over the rounds`);
console.table(rows);
