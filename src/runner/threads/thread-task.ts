/**
 * What a worker thread of the `threads` executor runs for one chunk: import the node's module
 * (pipeline runs refused meanwhile), find the node, check its build against the runner's, run
 * the calls (async ones overlap, as in this process), and send the outcomes back serialised, or
 * the error as plain data.
 */
import { threadId } from "node:worker_threads";
import { recordNodes } from "../../definition-site.js";
import { DaftError } from "../../errors.js";
import { isPromiseLike } from "../../maybe-promise.js";
import { invoke } from "../invoke.js";
import { checkBuild, findNode, importNodeModule } from "../remote/load-node.js";
import type { NodeBuild } from "../remote/node-ref.js";
import { registerTsxIfNeeded } from "./thread-typescript.js";
import { decodeCalls, encodeOutcomes, sendError, type SentError } from "../remote/transport.js";

export interface ThreadTask {
  module: string;
  output: string;
  ordinal: number;
  build: NodeBuild;
  /** `encodeCalls` of the chunk. */
  calls: Uint8Array;
}

export type ThreadReply = { outcomes: Uint8Array; thread: number } | { error: SentError; thread: number };

recordNodes();

const where = `worker thread ${threadId}`;

export default async function runChunk(task: ThreadTask): Promise<ThreadReply> {
  try {
    await registerTsxIfNeeded();
    await importNodeModule(task.module);
    const node = findNode(task.module, task.output, task.ordinal);
    if (!node) {
      throw new DaftError(
        `importing ${task.module} defined no node with output "${task.output}" (#${task.ordinal + 1} of that output): ` +
          "workers find nodes by importing the module that defines them, so define nodes at the top level of a module, not inside a function called later",
      );
    }
    checkBuild(node, task.build, where);
    const calls = decodeCalls(task.calls);
    const pending = calls.map((call) => invoke(node, call));
    const outcomes = pending.some(isPromiseLike) ? await Promise.all(pending) : (pending as Awaited<(typeof pending)[number]>[]);
    return { outcomes: encodeOutcomes(node, calls, outcomes, where), thread: threadId };
  } catch (error) {
    return { error: sendError(error), thread: threadId };
  }
}
