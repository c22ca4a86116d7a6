/**
 * Type-level view of a pipeline: which run inputs it needs (and of what type) and which outputs
 * it returns, inferred from its functions so `runner.run(pipeline, inputs)` is checked by tsc;
 * for a partial run, only what the requested outputs need; and whether every node's inputs fit
 * the outputs of the nodes that produce them (checked at `new Pipeline`).
 *
 * Every type here is linear in the number of nodes, or in nodes × longest chain for a partial
 * run: `bench/pipeline-types.mjs` measures a 50-node pipeline.
 */
import type { DaftFunction, NodeTypes, nodeTypes } from "./func.js";

export type AnyDaftFunction = DaftFunction<string, any, unknown, string | undefined>;

type AnyNodeTypes = NodeTypes<string, any, unknown, string | undefined>;
/**
 * The type-level facts of a node (of each node, for a union of nodes), read by indexed access:
 * matching each node's type against a pattern instead costs several times as much per node.
 */
type TypesOf<N> = Extract<N[typeof nodeTypes & keyof N], AnyNodeTypes>;

type IsAny<T> = 0 extends 1 & T ? true : false;
type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Field<N, K extends keyof AnyNodeTypes> = TypesOf<N>[K];
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

/** The inputs the nodes `N` ask for: their views intersected, plus an axis none of them reads (any array will do). */
type InputsOf<N> = UnionToIntersection<InputView<N>> extends infer Views ? Views & { [K in Exclude<AxisOf<N> & string, keyof Views>]: readonly unknown[] } : never;

/** A mapped node's output is the array of its per-item results. */
type OutputValue<N> = AxisOf<N> extends string ? ResultOf<N>[] : ResultOf<N>;

type Produced<F extends readonly unknown[]> = OutputName<F[number]>;

/**
 * The run inputs: every parameter no node produces. Intersecting the nodes' views makes a name
 * required if any node requires it, and intersects the types nodes expect of it.
 */
export type PipelineInputs<F extends readonly unknown[]> = Simplify<Omit<InputsOf<F[number]>, Produced<F>>>;

export type PipelineOutputs<F extends readonly unknown[]> = Simplify<{
  [N in F[number] as OutputName<N>]: OutputValue<N>;
}>;

/** `runner.run`'s result: the inputs given, plus every output. */
export type PipelineResult<F extends readonly unknown[]> = Simplify<PipelineInputs<F> & PipelineOutputs<F>>;

// --- partial runs: `outputs` and `pin` --------------------------------------------------------

/** The names a node reads: its parameters (all names when they are untyped) and its map axis. */
type ReadsOf<N> = N extends unknown ? (IsAny<ParamsOf<N>> extends true ? string : keyof ParamsOf<N> & string) | (AxisOf<N> & string) : never;
/** The nodes among `N` whose outputs are among `Names`. */
type ProducersOf<N, Names> = N extends unknown ? (OutputName<N> extends Names ? N : never) : never;
/**
 * The outputs needed for `Names`: grown by the producible names their producers read, until
 * nothing new is added (one step per level of the longest chain).
 */
type Needed<N, Names extends string, Producible extends string> =
  (Names | (ReadsOf<ProducersOf<N, Names>> & Producible)) extends infer Next extends string
    ? [Exclude<Next, Names>] extends [never]
      ? Names
      : Needed<N, Next, Producible>
    : never;

/** The nodes a run of outputs `O` with pinned outputs `P` runs. */
type RunNodes<F extends readonly unknown[], O extends string, P extends string> = ProducersOf<
  F[number],
  Needed<F[number], Exclude<O, P>, Exclude<Produced<F>, P>>
>;

type OutputsOf<N> = { [X in N as OutputName<X>]: OutputValue<X> };

/**
 * The inputs of a run of outputs `O` with pinned outputs `P`: what the nodes it runs need, and the
 * value of each pinned output (an array for a mapped node's output).
 */
export type RunInputs<F extends readonly unknown[], O extends string = Produced<F>, P extends string = never> = Simplify<
  Omit<InputsOf<RunNodes<F, O, P>>, Produced<F>> & Pick<OutputsOf<ProducersOf<F[number], P>>, P & keyof OutputsOf<ProducersOf<F[number], P>>>
>;

/** What such a run returns: its inputs, and the output of every node it ran. */
export type RunResult<F extends readonly unknown[], O extends string = Produced<F>, P extends string = never> = Simplify<
  RunInputs<F, O, P> & OutputsOf<RunNodes<F, O, P>>
>;

/** Every output name of a pipeline's functions. */
export type OutputNames<F extends readonly unknown[]> = Produced<F>;

/** Keeps TypeScript from inferring type parameters from the inputs: they come from the options. */
type NoInference<T> = [T][T extends unknown ? 0 : never];

/**
 * `runner.run`'s arguments after the pipeline: the inputs (optional when the run needs none),
 * then the run options.
 */
export type RunArguments<F extends readonly unknown[], O extends string = Produced<F>, P extends string = never, Options = never> = {} extends RunInputs<F, O, P>
  ? [inputs?: NoInference<RunInputs<F, O, P>>, options?: Options]
  : [inputs: NoInference<RunInputs<F, O, P>>, options?: Options];

// --- typed edges ------------------------------------------------------------------------------

/** What a node with facts `C` receives as its input `K` from the node with facts `P`. */
type Received<P extends AnyNodeTypes, C extends AnyNodeTypes, K> = C["mapAxis"] extends string
  ? P["mapAxis"] extends string
    ? Awaited<P["result"]> // one item of a mapped output
    : K extends C["mapAxis"]
      ? Awaited<P["result"]> extends readonly (infer Item)[]
        ? Item // one element of the axis
        : Awaited<P["result"]>
      : Awaited<P["result"]>
  : P["mapAxis"] extends string
    ? Awaited<P["result"]>[]
    : Awaited<P["result"]>;

/**
 * Per output name, the facts of its node: one single-property object per node, intersected, so
 * a lookup is a property read (a mapped type with `as` over the nodes re-evaluates its keys).
 */
type ProducerTable<Ts> = UnionToIntersection<Ts extends AnyNodeTypes ? { [O in Ts["output"]]: Ts } : never>;

/**
 * For one consumer: a property per input whose type does not fit its producer's output. Inputs
 * typed loosely (`any`, none, an index signature such as `Record<string, number>`, whose names
 * come from `inputs: [...]`) are not checked; neither is a node's own output (a runtime error).
 */
type EdgeProblemsOf<C extends AnyNodeTypes, Table> =
  IsAny<C["params"]> extends true
    ? never
    : unknown extends C["params"]
      ? never
      : string extends keyof C["params"]
        ? never
        : {
            [K in keyof C["params"]]-?: K extends keyof Table ? (K extends C["output"] ? never : EdgeProblem<C, K, Table[K]>) : never;
          }[keyof C["params"]];

type EdgeProblem<C extends AnyNodeTypes, K extends keyof C["params"], P> = P extends AnyNodeTypes
  ? [Received<P, C, K>] extends [C["params"][K]]
    ? never
    : {
        [M in `daft: input ${K & string} of the node producing ${C["output"]} does not fit the output of the node producing ${K & string}`]: {
          expects: C["params"][K];
          receives: Received<P, C, K>;
        };
      }
  : never;

type EdgeProblems<Ts, Table = ProducerTable<Ts>> = Ts extends AnyNodeTypes ? EdgeProblemsOf<Ts, Table> : never;

/**
 * Intersected with `new Pipeline`'s options: nothing when every node's inputs fit the outputs of
 * their producers, else a property per mismatch that the options lack, so tsc names both nodes
 * and both types in its error.
 */
export type CheckedEdges<F extends readonly unknown[]> = [EdgeProblems<TypesOf<F[number]>>] extends [never]
  ? unknown
  : UnionToIntersection<EdgeProblems<TypesOf<F[number]>>>;
