/**
 * The key that names one item of a mapped node in the cache (`output::itemKey`): the item's
 * `keyAttr`, else the first of `id`, `uuid`, `key`, `name` it has, else its content hash —
 * stable across processes, so a re-ordered or extended list still finds every item.
 */
import type { PipelineNode } from "../graph.js";
import { hashValue } from "../hashing/hash-value.js";
import type { Slot } from "./slots.js";

const CONVENTIONAL_KEYS = ["id", "uuid", "key", "name"] as const;

function keyText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return hashValue(value);
}

export function itemKeyOf(node: PipelineNode, axis: Slot, index: number): string {
  const item = (axis.value as unknown[])[index];
  if (typeof item === "object" && item !== null) {
    const record = item as Record<string, unknown>;
    const keyAttr = node.meta.keyAttr;
    if (keyAttr !== undefined && record[keyAttr] !== undefined && record[keyAttr] !== null) return keyText(record[keyAttr]);
    for (const name of CONVENTIONAL_KEYS) {
      const value = record[name];
      if (value !== undefined && value !== null && typeof value !== "function") return keyText(value);
    }
  }
  return axis.itemHash(index);
}
