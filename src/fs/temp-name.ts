/**
 * Names of files being written: `.<final name>.<host>-<pid>-<thread>-<n>.tmp`, next to the final
 * name. Host, pid and thread tell live writers apart and let a scan find the temp files of a
 * writer that died (same host, dead pid) without touching another host's.
 */
import { hostname } from "node:os";

/**
 * A short tag of this machine (FNV-1a of the host name, 8 hex digits). Computed without xxhash,
 * whose WebAssembly instance is not ready when a bundle that writes files is first evaluated.
 */
export const HOST_TAG = fnv1a32(hostname());

let tempCounter = 0;

/**
 * A temp name beside `finalName`, unique among live writers: host, pid and thread tell writers
 * apart, the counter tells one writer's files apart. The leading dot keeps it out of listings.
 */
export function tempNameFor(finalName: string): string {
  tempCounter += 1;
  // node:worker_threads only for its thread id, and only once something is written.
  const { threadId } = process.getBuiltinModule("node:worker_threads");
  return `.${finalName}.${HOST_TAG}-${process.pid}-${threadId}-${tempCounter}.tmp`;
}

const TEMP_NAME = /^\..+\.([0-9a-f]{8})-(\d+)-(\d+)-(\d+)\.tmp$/;

/** Who wrote a temp file, or undefined when the name is not one of our temp names. */
export function parseTempName(name: string): { host: string; pid: number } | undefined {
  const match = TEMP_NAME.exec(name);
  return match ? { host: match[1]!, pid: Number(match[2]) } : undefined;
}

function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
