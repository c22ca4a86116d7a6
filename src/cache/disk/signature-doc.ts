/**
 * How a signature document (one shard of meta-store.ts) is laid out in its flat-cache file.
 *
 * The items of a mapped node share everything but their inputs: 100k items would otherwise
 * repeat the same code, environment and dependency hashes 100k times (about 330 bytes of JSON
 * each). So what records share is written once per document, and each record keeps only what
 * differs. The document is one flat-cache entry (one entry per record would cost a wrapper
 * object per record in the file and in flat-cache's own bookkeeping):
 *
 *   "\u0000signatures/2" → { shared: [[codeHash, envHash, depsHash, parts], …],
 *                            records: { "<nodeName>": [shared index, inputsHash, timestamp,
 *                                                      blobKey | null, input part hashes | null] } }
 *
 * `parts` is null when the signature has none, else [input names | null, deps | null,
 * env | null]; a record's input part hashes are aligned with its shared entry's input names.
 * Anything else in the file (records of an earlier layout, damaged or hand-edited entries)
 * reads as no signature, and is dropped the next time the document is written.
 */
import { isNodeSignature } from "../stored-shapes.js";
import type { NodeSignature, SignatureParts } from "../types.js";
import type { MetaRecord } from "./meta-store.js";

const DOC_KEY = "\u0000signatures/2";

type SharedParts = [inputNames: string[] | null, deps: Record<string, string> | null, env: Record<string, string> | null];
type Shared = [codeHash: string, envHash: string, depsHash: string, parts: SharedParts | null];
type Compact = [shared: number, inputsHash: string, timestamp: number, blobKey: string | null, inputHashes: string[] | null];

/** The flat-cache entries of a document holding `records`. */
export function encodeSignatureDoc(records: ReadonlyMap<string, MetaRecord>): Map<string, unknown> {
  const shared: Shared[] = [];
  const indexOfShared = new Map<string, number>();
  // Null prototype: a record named "__proto__" is a plain key like any other.
  const compact: Record<string, Compact> = Object.create(null);
  const textOf = new Map<object, string>();
  let previous: { signature: NodeSignature; inputNames: string[] | null; index: number } | undefined;
  for (const [name, { signature, blobKey }] of records) {
    const { parts } = signature;
    const inputNames = parts?.inputs ? Object.keys(parts.inputs) : null;
    // Records come mostly in runs of one node's items: the previous record's shared entry is
    // compared first, field by field, before any text is made to look one up.
    let index = previous && sharesWith(previous.signature, previous.inputNames, signature, inputNames) ? previous.index : undefined;
    if (index === undefined) {
      const key = parts
        ? `${signature.codeHash}\u0000${signature.envHash}\u0000${signature.depsHash}\u0000${JSON.stringify(inputNames)}\u0000${textOnce(textOf, parts.deps)}\u0000${textOnce(textOf, parts.env)}`
        : `${signature.codeHash}\u0000${signature.envHash}\u0000${signature.depsHash}`;
      index = indexOfShared.get(key);
      if (index === undefined) {
        index = shared.push([signature.codeHash, signature.envHash, signature.depsHash, parts ? [inputNames, parts.deps ?? null, parts.env ?? null] : null]) - 1;
        indexOfShared.set(key, index);
      }
      previous = { signature, inputNames, index };
    }
    const inputHashes = inputNames ? inputNames.map((input) => parts!.inputs![input]!) : null;
    compact[name] = [index, signature.inputsHash, signature.timestamp, blobKey ?? null, inputHashes];
  }
  return new Map([[DOC_KEY, { shared, records: compact }]]);
}

function sharesWith(a: NodeSignature, aInputs: string[] | null, b: NodeSignature, bInputs: string[] | null): boolean {
  if (a.codeHash !== b.codeHash || a.envHash !== b.envHash || a.depsHash !== b.depsHash) return false;
  if ((a.parts === undefined) !== (b.parts === undefined)) return false;
  if (!sameGroup(a.parts?.deps, b.parts?.deps) || !sameGroup(a.parts?.env, b.parts?.env)) return false;
  if (aInputs === null || bInputs === null) return aInputs === bInputs;
  return aInputs.length === bInputs.length && aInputs.every((input, i) => input === bInputs[i]);
}

function sameGroup(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function textOnce(textOf: Map<object, string>, group: Record<string, string> | undefined): string {
  if (group === undefined) return "-";
  let text = textOf.get(group);
  if (text === undefined) textOf.set(group, (text = JSON.stringify(group)));
  return text;
}

/** The valid records of a document's flat-cache entries; anything else is left out. */
export function decodeSignatureDoc(entries: ReadonlyMap<string, unknown>): Map<string, MetaRecord> {
  const records = new Map<string, MetaRecord>();
  const doc = entries.get(DOC_KEY) as { shared?: unknown; records?: unknown } | undefined;
  if (doc === null || typeof doc !== "object" || !Array.isArray(doc.shared) || doc.records === null || typeof doc.records !== "object") return records;
  const { shared } = doc;
  // Decoded once per shared entry; records share its objects (nothing modifies a stored signature).
  const decodedShared = shared.map(decodeShared);
  for (const [name, value] of Object.entries(doc.records as Record<string, unknown>)) {
    if (!Array.isArray(value) || value.length !== 5) continue;
    const [index, inputsHash, timestamp, blobKey, inputHashes] = value as unknown[];
    const common = typeof index === "number" ? decodedShared[index] : undefined;
    if (!common || typeof inputsHash !== "string" || typeof timestamp !== "number" || !Number.isFinite(timestamp)) continue;
    if (blobKey !== null && typeof blobKey !== "string") continue;
    const signature: NodeSignature = { nodeName: name, codeHash: common.codeHash, envHash: common.envHash, inputsHash, depsHash: common.depsHash, timestamp };
    if (common.parts) {
      const inputs = common.inputNames ? zip(common.inputNames, inputHashes) : undefined;
      if (common.inputNames && !inputs) continue;
      signature.parts = inputs ? { ...common.parts, inputs } : common.parts;
    } else if (inputHashes !== null) {
      continue;
    }
    records.set(name, typeof blobKey === "string" ? { signature, blobKey } : { signature });
  }
  return records;
}

interface DecodedShared {
  codeHash: string;
  envHash: string;
  depsHash: string;
  parts: SignatureParts | undefined;
  inputNames: string[] | undefined;
}

function decodeShared(value: unknown): DecodedShared | undefined {
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  const [codeHash, envHash, depsHash, parts] = value as unknown[];
  if (typeof codeHash !== "string" || typeof envHash !== "string" || typeof depsHash !== "string") return undefined;
  if (parts === null) return { codeHash, envHash, depsHash, parts: undefined, inputNames: undefined };
  if (!Array.isArray(parts) || parts.length !== 3) return undefined;
  const [inputNames, deps, env] = parts as unknown[];
  if (inputNames !== null && !(Array.isArray(inputNames) && inputNames.every((input) => typeof input === "string"))) return undefined;
  const decoded: SignatureParts = {};
  if (deps !== null) decoded.deps = deps as Record<string, string>;
  if (env !== null) decoded.env = env as Record<string, string>;
  // Checked here once rather than per record: the shapes of deps and env.
  if (!isNodeSignature({ nodeName: "", codeHash, envHash, inputsHash: "", depsHash, timestamp: 0, parts: decoded })) return undefined;
  return { codeHash, envHash, depsHash, parts: decoded, inputNames: inputNames === null ? undefined : (inputNames as string[]) };
}

function zip(names: readonly string[], hashes: unknown): Record<string, string> | undefined {
  if (!Array.isArray(hashes) || hashes.length !== names.length) return undefined;
  if (!hashes.every((hash) => typeof hash === "string")) return undefined;
  // fromEntries defines own properties: a name such as "__proto__" stays a plain key.
  return Object.fromEntries(names.map((name, i) => [name, hashes[i] as string]));
}
