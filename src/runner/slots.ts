/**
 * The values of one run, by name, with their hashes computed at most once and only when a
 * cached node needs them. A produced value's hash is known from its cache entry or computed
 * when it is produced; a run input is hashed on first use.
 */
import { hashValue } from "../hashing/hash-value.js";
import { hashString } from "../hashing/xxhash.js";

export class Slot {
  private itemHashCache: (string | undefined)[] | undefined;
  /**
   * Keep every item's hash once computed — worth it when several cached nodes read them. With
   * one reader, only the last is kept (an item's key and its input hash ask twice in a row):
   * 100k retained strings would cost the garbage collector more than they save.
   */
  retainItemHashes = true;
  private lastIndex = -1;
  private lastHash = "";
  /**
   * Dry runs only: what is not known because the node producing it would run — all of it, or
   * the indices of the items that would run. Undefined for a known value.
   */
  unknown: "all" | ReadonlySet<number> | undefined;

  constructor(
    readonly value: unknown,
    /**
     * `"mapped"`: the output of a mapped node, one element per item; its whole hash is derived
     * from the item hashes. `"value"`: anything else (a run input, an unmapped node's output).
     */
    readonly kind: "mapped" | "value",
    private wholeHash?: string,
    itemHashes?: (string | undefined)[],
  ) {
    this.itemHashCache = itemHashes;
  }

  /** Whether the value (`item` undefined) or its element `item` is unknown in a dry run. */
  isUnknown(item: number | undefined): boolean {
    const { unknown } = this;
    if (unknown === undefined) return false;
    return unknown === "all" || (item === undefined ? unknown.size > 0 : unknown.has(item));
  }

  /** Elements when the value is distributed along the map axis. */
  get items(): readonly unknown[] | undefined {
    return Array.isArray(this.value) ? this.value : undefined;
  }

  /** Hash of the whole value (what an unmapped node receiving it depends on). */
  hash(): string {
    if (this.wholeHash === undefined) {
      if (this.kind === "mapped") {
        const items = this.items ?? [];
        this.wholeHash = combineItemHashes(items.map((_, i) => this.itemHash(i)));
      } else {
        this.wholeHash = hashValue(this.value);
      }
    }
    return this.wholeHash;
  }

  /** Hash of element `index` (what a mapped node's item depends on). */
  itemHash(index: number): string {
    const known = this.itemHashCache?.[index];
    if (known !== undefined) return known;
    if (index === this.lastIndex) return this.lastHash;
    const hash = hashValue((this.value as unknown[])[index]);
    if (this.retainItemHashes) {
      (this.itemHashCache ??= [])[index] = hash;
    } else {
      this.lastIndex = index;
      this.lastHash = hash;
    }
    return hash;
  }
}

/** The whole hash of a mapped output, from its items' hashes (the same however it was produced). */
export function combineItemHashes(itemHashes: readonly string[]): string {
  return hashString(`list\u0000${itemHashes.join(",")}`);
}
