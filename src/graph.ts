/**
 * The graph view of a pipeline: its nodes and how they are wired by name. The planner and the
 * pictures read only this; `Pipeline` is the one implementation, built and validated from `func`
 * nodes.
 */
import type { NodeMeta } from "./func.js";

export interface PipelineNode {
  /** Registration index: the tie-breaker that keeps the order of independent nodes stable. */
  readonly index: number;
  /** The function's name, or its output when anonymous. */
  readonly name: string;
  readonly output: string;
  readonly meta: NodeMeta;
  /** The user's function, called with one object of inputs. */
  readonly fn: (input: Record<string, unknown>) => unknown;
}

export interface PipelineGraph {
  /** In registration order. */
  readonly nodes: readonly PipelineNode[];
  /** Node by output name. */
  readonly producers: ReadonlyMap<string, PipelineNode>;
  /** The single map axis, if any node has one. */
  readonly mapAxis: string | undefined;
  /** Input names no node produces but every consumer has a default for. */
  readonly optionalInputs: readonly string[];
  /** Everything a run may be given, in first-use order. */
  externalInputs(): string[];
}
