/**
 * One field of the signatures hash: JSON `{"format":"daft.signature","v":1,"signature":{…}}`,
 * readable with redis-cli. A field that is not valid JSON, carries another format or version, or
 * holds a signature with a field of the wrong type or for another node reads as absent.
 */
import { isNodeSignature } from "../cache/stored-shapes.js";
import type { NodeSignature } from "../cache/types.js";

const FORMAT = "daft.signature";
export const SIGNATURE_FORMAT_VERSION = 1;

export function encodeSignature(signature: NodeSignature): string {
  return JSON.stringify({ format: FORMAT, v: SIGNATURE_FORMAT_VERSION, signature });
}

export function decodeSignature(text: string, nodeName: string): NodeSignature | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== "object") return undefined;
  const { format, v, signature } = record as { format?: unknown; v?: unknown; signature?: unknown };
  if (format !== FORMAT || v !== SIGNATURE_FORMAT_VERSION) return undefined;
  if (!isNodeSignature(signature) || signature.nodeName !== nodeName) return undefined;
  return signature;
}
