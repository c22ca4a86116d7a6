/**
 * The `threads` executor: a node's calls run on a pool of worker threads (tinypool), in chunks,
 * so a CPU-bound mapped node uses every core. Only calls that must run get here; hits were
 * answered by the runner. Each thread imports the node's module with the process's own
 * `--import` flags (execArgv), so the daft loader and tsx apply there too, and refuses to run a
 * node whose build differs from the runner's.
 *
 * The pool starts on first use and lives until `close()`; idle threads do not keep the process
 * alive, so a script that forgets `close()` still exits.
 */
import type { Tinypool } from "tinypool";
import { DaftError } from "../../errors.js";
import type { PipelineNode } from "../../graph.js";
import type { Executor, Invocation, Outcome } from "../executor.js";
import { buildOf, nodeRefOf, type NodeRef } from "../remote/node-ref.js";
import { distFileUrl, loadAtRunTime } from "../remote/package-files.js";
import { asSentError, decodeOutcomes, encodeCalls, receivedError } from "../remote/transport.js";
import type { ThreadReply, ThreadTask } from "./thread-task.js";

/** Chunks per thread for one node: enough to even out uneven items, few enough to amortise the hop. */
const CHUNKS_PER_THREAD = 4;
const MAX_CHUNK = 1000;

export class ThreadsExecutor implements Executor {
  private pool: Promise<Tinypool> | undefined;
  private readonly refs = new WeakMap<PipelineNode, NodeRef>();

  constructor(readonly workers: number) {}

  chunkSize(_node: PipelineNode, calls: number): number {
    return Math.min(MAX_CHUNK, Math.max(1, Math.ceil(calls / (this.workers * CHUNKS_PER_THREAD))));
  }

  execute(node: PipelineNode, calls: readonly Invocation[]): Promise<Outcome[]> {
    let task: ThreadTask;
    try {
      const ref = this.refOf(node);
      task = { module: ref.module, output: ref.output, ordinal: ref.ordinal, build: buildOf(node.meta), calls: encodeCalls(node, calls, "a worker thread") };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.startedPool().then((pool) =>
      (pool.run(task) as Promise<unknown>).then(
        (reply) => this.outcomesOf(node, calls.length, reply),
        (error: unknown) => {
          throw new DaftError(`node "${node.name}" (output "${node.output}"): its worker thread failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
        },
      ),
    );
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).destroy();
  }

  private refOf(node: PipelineNode): NodeRef {
    let ref = this.refs.get(node);
    if (!ref) this.refs.set(node, (ref = nodeRefOf(node)));
    return ref;
  }

  private outcomesOf(node: PipelineNode, count: number, reply: unknown): Outcome[] {
    const { thread } = reply as ThreadReply;
    const where = `worker thread ${thread}`;
    if ("error" in (reply as object)) {
      const sent = asSentError((reply as { error: unknown }).error);
      throw sent ? receivedError(sent, node, where) : new DaftError(`node "${node.name}": ${where} sent a malformed error`);
    }
    return decodeOutcomes((reply as { outcomes: Uint8Array }).outcomes, count, `thread ${thread}`);
  }

  private startedPool(): Promise<Tinypool> {
    this.pool ??= Promise.resolve(loadAtRunTime<typeof import("tinypool")>("tinypool")).then(
      ({ Tinypool }) =>
        new Tinypool({
          filename: distFileUrl("runner/threads/thread-task.js"),
          // Every thread stays up between chunks and runs (idle threads do not hold the process).
          minThreads: this.workers,
          maxThreads: this.workers,
          execArgv: process.execArgv,
        }),
    );
    return this.pool;
  }
}
