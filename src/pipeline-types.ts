/**
 * Type-level view of a pipeline: which run inputs it needs (and of what type) and which outputs
 * it returns, inferred from its functions so `runner.run(pipeline, inputs)` is checked by tsc.
 */
import type { DaftFunction, nodeTypes } from "./func.js";

export type AnyDaftFunction = DaftFunction<string, any, unknown, string | undefined>;

type NodeTypesOf<N> = N extends { readonly [nodeTypes]?: infer T } ? Exclude<T, undefined> : never;

type IsAny<T> = 0 extends 1 & T ? true : false;
type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Field<N, K extends string> = NodeTypesOf<N> extends infer T ? (T extends Record<K, infer V> ? V : never) : never;
type OutputName<N> = Field<N, "output"> & string;
type ParamsOf<N> = Field<N, "params">;
type ResultOf<N> = Awaited<Field<N, "result">>;
type AxisOf<N> = Field<N, "mapAxis">;

/**
 * What a node asks of the run inputs: its parameters, with its map axis as an array.
 * (`N extends unknown` distributes over the union of a pipeline's nodes: one view per node.)
 */
type InputView<N> = N extends unknown ? NodeInputView<N> : never;
type NodeInputView<N> =
  IsAny<ParamsOf<N>> extends true
    ? Record<string, any>
    : unknown extends ParamsOf<N>
      ? {}
      : AxisOf<N> extends string
        ? { [K in keyof ParamsOf<N>]: K extends AxisOf<N> ? readonly ParamsOf<N>[K][] : ParamsOf<N>[K] }
        : ParamsOf<N>;

/** A mapped node's output is the array of its per-item results. */
type OutputValue<N> = AxisOf<N> extends string ? ResultOf<N>[] : ResultOf<N>;

type Produced<F extends readonly unknown[]> = OutputName<F[number]>;

/**
 * The run inputs: every parameter no node produces. Intersecting the nodes' views makes a name
 * required if any node requires it, and intersects the types nodes expect of it.
 */
export type PipelineInputs<F extends readonly unknown[]> = Simplify<
  Omit<UnionToIntersection<InputView<F[number]>>, Produced<F>>
>;

export type PipelineOutputs<F extends readonly unknown[]> = Simplify<{
  [N in F[number] as OutputName<N>]: OutputValue<N>;
}>;

/** `runner.run`'s result: the inputs given, plus every output. */
export type PipelineResult<F extends readonly unknown[]> = Simplify<PipelineInputs<F> & PipelineOutputs<F>>;

/** The inputs argument becomes optional when the pipeline needs none. */
export type RunArguments<F extends readonly unknown[]> = {} extends PipelineInputs<F>
  ? [inputs?: PipelineInputs<F>]
  : [inputs: PipelineInputs<F>];
