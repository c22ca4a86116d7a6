import type { CacheConfig } from "../../cache/config.js";
import type { PipelineNode } from "../../graph.js";
import type { Executor, Invocation, Outcome } from "../executor.js";

export interface DistributedOptions {
  redis: string;
  queue: string;
  jobTimeoutMs: number;
}

export class DistributedExecutor implements Executor {
  constructor(
    readonly options: DistributedOptions,
    readonly cacheConfig: CacheConfig,
  ) {}
  chunkSize(): number {
    return 1;
  }
  execute(_node: PipelineNode, _calls: readonly Invocation[]): Promise<Outcome[]> {
    throw new Error("todo");
  }
}
