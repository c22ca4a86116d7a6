/**
 * The key that names one item of a mapped node in the cache (`output::itemKey`): the item's
 * `keyAttr`, else the first of `id`, `uuid`, `key`, `name` it has, else its content hash —
 * stable across processes, so a re-ordered or extended list still finds every item. A key that
 * cannot be hashed (a Symbol, a Promise…) is an error naming the node, the item and the fix.
 */
import { InputHashError } from "../errors.js";
import type { PipelineNode } from "../graph.js";
import { hashValue } from "../hashing/hash-value.js";
import { isPromiseLike } from "../maybe-promise.js";
import type { Slot } from "./slots.js";

const CONVENTIONAL_KEYS = ["id", "uuid", "key", "name"] as const;

function keyText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return hashValue(value);
}

export function itemKeyOf(node: PipelineNode, axis: Slot, index: number): string {
  const item = (axis.value as unknown[])[index];
  let attribute: string | undefined;
  try {
    if (typeof item === "object" && item !== null) {
      const record = item as Record<string, unknown>;
      const keyAttr = node.meta.keyAttr;
      if (keyAttr !== undefined && record[keyAttr] !== undefined && record[keyAttr] !== null) {
        attribute = keyAttr;
        return keyText(record[keyAttr]);
      }
      for (const name of CONVENTIONAL_KEYS) {
        const value = record[name];
        if (value !== undefined && value !== null && typeof value !== "function") {
          attribute = name;
          return keyText(value);
        }
      }
    }
    return axis.itemHash(index);
  } catch (error) {
    throw keyError(node, index, item, attribute, error);
  }
}

function keyError(node: PipelineNode, index: number, item: unknown, attribute: string | undefined, error: unknown): InputHashError {
  const axis = node.meta.mapAxis!;
  const where = `node "${node.name}" (output "${node.output}"), item ${index} of "${axis}"`;
  const value = attribute === undefined ? item : (item as Record<string, unknown>)[attribute];
  const what = typeof value === "symbol" ? "a Symbol" : isPromiseLike(value) ? "a Promise" : `a value that cannot be hashed (${(error as Error)?.message ?? String(error)})`;
  let message: string;
  if (attribute === undefined) {
    message = `${where}: the item is ${what}, so it cannot name its cache entry. Pass hashable items, or objects with a string or number attribute named by keyAttr.`;
  } else if (attribute === node.meta.keyAttr) {
    const awaitIt = isPromiseLike(value) ? " (await it before the run)" : "";
    message = `${where}: its keyAttr "${attribute}" is ${what}, which cannot name a cache entry. Give each item a string or number "${attribute}"${awaitIt}, or remove keyAttr to key items by their content.`;
  } else {
    message = `${where}: its "${attribute}" is ${what}, which cannot name a cache entry. Set keyAttr to an attribute that holds a string or number.`;
  }
  return new InputHashError(message, node.name, axis, { cause: error });
}
