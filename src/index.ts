/**
 * daft: pipelines of plain functions that cache themselves correctly.
 */
export { func, type DaftFunction, type FuncOptions, type NodeMeta } from "./func.js";
export { Pipeline, type PipelineNode, type PipelineOptions } from "./pipeline.js";
export type { AnyDaftFunction, CheckedEdges, OutputNames, PipelineInputs, PipelineOutputs, PipelineResult, RunInputs, RunResult } from "./pipeline-types.js";
export { Runner, type RunnerMode, type RunnerOptions, type RunReturn } from "./runner/runner.js";
export type { RunOptions } from "./runner/run-options.js";
export type { CacheEvent, CacheStats, CacheStatus, FailureEvent, MissReason, NodeRunStats, RunEvent } from "./runner/stats.js";
export type { RunObserver } from "./runner/observer.js";
export { CacheConfig, type CacheConfigOptions } from "./cache/config.js";
// The backend protocol, MemoryCache, DiskCache and its types: the cache module lists them once.
export * from "./cache/index.js";
export { hashValue, UnhashableValueError } from "./hashing/hash-value.js";
export type { BuildInfo } from "./build-info.js";
export { DaftError, DefinitionError, InputHashError, NodeError, ResolutionError } from "./errors.js";
export { PipelineOnImportError } from "./definition-site.js";
export { NotTransferableError } from "./runner/remote/transport.js";
export { pipelineToDot, pipelineToMermaid, pipelineToSvg, type PictureOptions } from "./pictures/index.js";
export type { ProgressOption, ProgressOptions, ProgressStream } from "./progress/index.js";
