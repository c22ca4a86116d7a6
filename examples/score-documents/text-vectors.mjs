/**
 * Turns text into vectors. The pipeline imports this helper: an edit here (try changing
 * DIMENSIONS) invalidates exactly the cached steps whose code reaches `vectorise`.
 */
export const DIMENSIONS = 64;

/** Character-trigram hashing into a fixed-size, normalised vector. */
export function vectorise(text) {
  const vector = new Float64Array(DIMENSIONS);
  const clean = ` ${text.toLowerCase().replace(/[^a-z0-9 ]/g, "")} `;
  for (let i = 0; i + 3 <= clean.length; i++) {
    let h = 2166136261;
    for (let j = i; j < i + 3; j++) h = Math.imul(h ^ clean.charCodeAt(j), 16777619);
    vector[(h >>> 0) % DIMENSIONS] += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}
