/**
 * Mode "auto" without Redis: a synchronous mapped node with at least `batchThreshold` calls to
 * compute (after lookups: hits never count) runs on the thread pool; everything else (async functions, single calls, the last
 * small chunk) runs in this process. A node that cannot run in a thread (its module runs a
 * pipeline when imported, it is not defined in a module file, a value cannot cross) falls back
 * to this process, with one warning saying why.
 */
import type { PipelineNode } from "../graph.js";
import type { Executor, Invocation, Outcome } from "./executor.js";
import { localExecutor } from "./local-executor.js";
import type { MaybePromise } from "../cache/types.js";
import { NotTransferableError } from "./remote/transport.js";
import type { ThreadsExecutor } from "./threads/threads-executor.js";

const isAsyncFunction = (fn: Function) => fn.constructor?.name === "AsyncFunction" || fn.constructor?.name === "AsyncGeneratorFunction";

/** Errors that mean "this node cannot run in a thread", as opposed to its own failures. */
function cannotRunInThread(error: unknown): boolean {
  if (error instanceof NotTransferableError) return true;
  const name = (error as Error)?.name;
  const causeName = ((error as Error)?.cause as Error | undefined)?.name;
  return name === "DefinitionError" || causeName === "PipelineOnImportError" || causeName === "BuildMismatchError";
}

export class AutoExecutor implements Executor {
  private readonly inProcess = new WeakSet<PipelineNode>();

  constructor(
    private readonly threads: ThreadsExecutor,
    private readonly batchThreshold: number,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * At least `batchThreshold` calls per chunk, so a chunk that reaches the threads holds enough
   * work, and the calls left over when few missed (a smaller last chunk) run here.
   */
  chunkSize(node: PipelineNode, calls: number): number {
    return this.threadable(node, calls) ? Math.max(this.batchThreshold, this.threads.chunkSize(node, calls)) : 1;
  }

  execute(node: PipelineNode, calls: readonly Invocation[]): MaybePromise<Outcome[]> {
    if (!this.threadable(node, calls.length)) return localExecutor.execute(node, calls);
    return this.threads.execute(node, calls).catch((error: unknown) => {
      if (!cannotRunInThread(error)) throw error;
      if (!this.inProcess.has(node)) {
        this.inProcess.add(node);
        this.warn(`node "${node.name}" runs in this process instead of worker threads: ${(error as Error)?.message ?? String(error)}`);
      }
      return localExecutor.execute(node, calls);
    });
  }

  close(): Promise<void> {
    return this.threads.close();
  }

  private threadable(node: PipelineNode, calls: number): boolean {
    return calls >= this.batchThreshold && node.meta.mapAxis !== undefined && !isAsyncFunction(node.fn) && !this.inProcess.has(node);
  }
}
