/**
 * The key that names one item of a mapped node in the cache (`output::itemKey`): the item's
 * `keyAttr`, else the first of `id`, `uuid`, `key`, `name` it has, else its content hash —
 * stable across processes, so a re-ordered or extended list still finds every item.
 */
import { hashValue } from "../hashing/hash-value.js";
import type { Slot } from "./slots.js";

const CONVENTIONAL_KEYS = ["id", "uuid", "key", "name"] as const;

function keyText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return hashValue(value);
}

export function itemKeyOf(shape: { axis: Slot | undefined; step: { node: { meta: { keyAttr: string | undefined } } } }, index: number): string {
  const axis = shape.axis!;
  const item = (axis.value as unknown[])[index];
  if (typeof item === "object" && item !== null) {
    const record = item as Record<string, unknown>;
    const keyAttr = shape.step.node.meta.keyAttr;
    if (keyAttr !== undefined && record[keyAttr] !== undefined && record[keyAttr] !== null) return keyText(record[keyAttr]);
    for (const name of CONVENTIONAL_KEYS) {
      const value = record[name];
      if (value !== undefined && value !== null && typeof value !== "function") return keyText(value);
    }
  }
  return axis.itemHash(index);
}
