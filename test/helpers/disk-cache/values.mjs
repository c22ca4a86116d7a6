// Deterministic values shared by the child scripts and the tests, so a reader can check that a
// value is complete and belongs to its key.

/** The value every writer stores under shared key `index`: identical whoever writes it. */
export function sharedValue(index) {
  return {
    index,
    label: `shared-${index}`,
    numbers: Float64Array.from({ length: 200 + (index % 50) }, (_, i) => index * 1000 + i),
    tags: new Set([`t${index % 7}`, `t${index % 3}`]),
    when: new Date(1_700_000_000_000 + index),
    big: BigInt(index) * 10n ** 20n,
  };
}

export function ownValue(worker, index) {
  return { worker, index, payload: "x".repeat(100 + index), map: new Map([[worker, index]]) };
}

/** A large value (about `megabytes` MB) whose content is checkable from its seed alone. */
export function bigValue(seed, megabytes) {
  const length = Math.floor((megabytes * 1024 * 1024) / 8);
  const data = new Float64Array(length);
  for (let i = 0; i < length; i += 1) data[i] = seed + i;
  return { seed, data, meta: { length, nested: [seed, String(seed)] } };
}

export function isBigValue(value) {
  if (!value || typeof value.seed !== "number" || !(value.data instanceof Float64Array)) return false;
  if (value.data.length !== value.meta.length) return false;
  for (let i = 0; i < value.data.length; i += 1) if (value.data[i] !== value.seed + i) return false;
  return value.meta.nested[0] === value.seed && value.meta.nested[1] === String(value.seed);
}

export function entryOf(value, nodeName) {
  return { value, outputHash: `hash-of-${nodeName}`, createdAt: Date.now(), durationMs: 1, nodeName };
}

export function signatureOf(nodeName, codeHash, timestamp) {
  return { nodeName, codeHash, envHash: "", inputsHash: `in-${nodeName}`, depsHash: "deps", timestamp };
}

/** Runner-style keys: 16 lowercase hex digits. */
export function keyOf(kind, a, b = 0) {
  return (kind + a.toString(16).padStart(8, "0") + b.toString(16).padStart(6, "0")).slice(-16).padStart(16, "0");
}
