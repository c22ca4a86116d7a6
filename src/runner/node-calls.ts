/**
 * The calls of one node in one run: how many (one, or one per item along the map axis), what
 * each receives, how its inputs hash and what its cache key is. Fixed once per node per run, so
 * from then on a call is only its item index.
 */
import { InputHashError, ResolutionError } from "../errors.js";
import type { PipelineNode } from "../graph.js";
import type { PlannedNode } from "../plan.js";
import { itemKeyOf } from "./item-key.js";
import type { Slot } from "./slots.js";
import type { KeySource } from "./stats.js";

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface Source {
  name: string;
  /** Undefined when the input is not given: the function's own default applies. */
  slot: Slot | undefined;
  /** The value is split along the map axis: item i receives its element i. */
  alongAxis: boolean;
}

export class NodeCalls implements KeySource {
  readonly node: PipelineNode;
  /** The axis value of a mapped node: an array, one call per element. */
  readonly axis: Slot | undefined;
  readonly mapped: boolean;
  /** One per item of a mapped node, else 1. */
  readonly count: number;
  /** Sorted by input name, so the inputs hash ignores the order of the parameter pattern. */
  private readonly sources: Source[];
  /**
   * What the one call of a mapped node cached as a whole depends on: every source whole, and
   * the axis even when the function does not read it (the item count shapes the output).
   */
  private readonly wholeSources: Source[];

  constructor(step: PlannedNode, slots: ReadonlyMap<string, Slot>) {
    this.node = step.node;
    const axisName = step.node.meta.mapAxis;
    const axis = axisName === undefined ? undefined : slots.get(axisName);
    const items = axis?.items;
    this.mapped = items !== undefined;
    this.axis = this.mapped ? axis : undefined;
    this.count = items?.length ?? 1;
    this.sources = step.sources
      .map((source) => {
        const slot = source.from === "default" ? undefined : slots.get(source.name);
        return { name: source.name, slot, alongAxis: this.mapped && slot !== undefined && (slot.kind === "mapped" || slot === axis) };
      })
      .sort(byName);
    if (this.mapped) this.checkLengths(axisName!);
    this.wholeSources = this.sources.map((source) => ({ ...source, alongAxis: false }));
    if (this.mapped && !this.sources.some((source) => source.slot === axis)) {
      this.wholeSources.push({ name: axisName!, slot: axis, alongAxis: false });
      this.wholeSources.sort(byName);
    }
  }

  /**
   * A value split along the axis has one element per item. A node's output always has; a pinned
   * output given as a run input may not, and would hand items the wrong elements.
   */
  private checkLengths(axisName: string): void {
    for (const { name, slot, alongAxis } of this.sources) {
      if (!alongAxis || slot === this.axis || slot!.unknown === "all") continue;
      const length = slot!.items?.length;
      if (length !== this.count) {
        throw new ResolutionError(
          `node "${this.node.name}" (output "${this.node.output}"): input "${name}" has ${length ?? "no"} elements for the ${this.count} items of map axis "${axisName}"; ` +
            `a pinned output of a mapped node must be an array with one element per item`,
        );
      }
    }
  }

  /** Dry runs: the inputs of a call (or of the whole node, `item` undefined) whose values are not known. */
  unknownInputs(item: number | undefined): string[] {
    const names: string[] = [];
    for (const source of this.sourcesOf(item)) {
      if (source.slot?.isUnknown(source.alongAxis ? item : undefined)) names.push(source.name);
    }
    return names;
  }

  /** The item of call `index`: the index itself for a mapped node, undefined for a node that runs once. */
  itemAt(index: number): number | undefined {
    return this.mapped ? index : undefined;
  }

  /** The cache key of an item (`output::itemKey`), or of the node (`output`). */
  keyOf(item: number | undefined): string {
    return item === undefined ? this.node.output : `${this.node.output}::${itemKeyOf(this.node, this.axis!, item)}`;
  }

  /** The object the function receives (built only when it runs: a hit never needs it). */
  argumentsOf(item: number | undefined): Record<string, unknown> {
    const args: Record<string, unknown> = {};
    for (const source of this.sources) {
      if (!source.slot) continue; // not given: the function's own default applies
      args[source.name] = source.alongAxis ? (source.slot.value as unknown[])[item!] : source.slot.value;
    }
    return args;
  }

  /**
   * The hash of each input, in source order, joined by NUL: the text the blob key and
   * `inputsHash` are computed from. Built without an array, since a hit needs only this text; a
   * miss splits it back with `inputHashes` (no hash contains a NUL). `item` undefined on a
   * mapped node: the node as a whole.
   */
  inputsTextOf(item: number | undefined): string {
    const sources = this.sourcesOf(item);
    let text = "";
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      const hash = source.slot ? this.inputHash(source, item) : "default";
      text = i === 0 ? hash : `${text}\u0000${hash}`;
    }
    return text;
  }

  /** Input name → hash, from the text `inputsTextOf` gave: what a signature keeps to explain misses. */
  inputHashes(item: number | undefined, inputsText: string): Record<string, string> {
    const hashes: Record<string, string> = {};
    const sources = this.sourcesOf(item);
    let start = 0;
    for (let i = 0; i < sources.length; i++) {
      const end = i === sources.length - 1 ? inputsText.length : inputsText.indexOf("\u0000", start);
      hashes[sources[i]!.name] = inputsText.slice(start, end);
      start = end + 1;
    }
    return hashes;
  }

  private sourcesOf(item: number | undefined): Source[] {
    return item === undefined && this.mapped ? this.wholeSources : this.sources;
  }

  private inputHash(source: Source, item: number | undefined): string {
    try {
      return source.alongAxis ? source.slot!.itemHash(item!) : source.slot!.hash();
    } catch (error) {
      const { node } = this;
      const where = item === undefined ? "" : ` (item ${item})`;
      throw new InputHashError(`node "${node.name}" (output "${node.output}"), input "${source.name}"${where}: ${(error as Error).message}`, node.name, source.name, {
        cause: error,
      });
    }
  }
}
