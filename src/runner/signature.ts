/**
 * The parts of a node's signature that do not depend on its inputs — environment and
 * dependency hashes — computed once per node per run; a call's full signature; and the
 * derivation of the blob key.
 */
import type { NodeSignature } from "../cache/types.js";
import type { CacheConfig } from "../cache/config.js";
import { hashString } from "../hashing/xxhash.js";
import type { PipelineNode } from "../graph.js";
import { dataFilesRoot, hashDataFiles } from "./data-files.js";
import { stampDependencies, type DependencyStamps } from "./dependency-stamps.js";
import { DefinitionError } from "../errors.js";

export interface NodeFingerprint {
  codeHash: string;
  envHash: string;
  depsHash: string;
  /** Per environment variable, per dependency (see dependencyParts), and how the code was hashed, to explain misses. */
  envParts: Record<string, string>;
  depsParts: Record<string, string>;
  codeParts: Record<string, string>;
  /** The signature's input-independent part of every blob key: one hash, computed once per node. */
  keyPrefix: string;
  /**
   * The node's files as they are before its first computed call (stamped then, once): a result
   * computed while one changed is not stored. A node whose calls all hit never stamps them.
   */
  stamps(): DependencyStamps;
}

const UNSET = "\u0000unset";

export function fingerprintNode(node: PipelineNode, config: CacheConfig): NodeFingerprint {
  const meta = node.meta;
  // Values of environment variables are kept only as hashes: they may be secrets.
  const envParts: Record<string, string> = { cacheKey: hashString(meta.cacheKey ?? config.envHash ?? "") };
  for (const name of [...meta.env].sort()) envParts[name] = hashString(process.env[name] ?? UNSET);
  const envHash = hashString(`env\u0000${Object.entries(envParts).flat().join("\u0000")}`);

  if (meta.depsLimited && config.dependencyDepth > meta.depsHashes.length) {
    throw new DefinitionError(
      `node "${node.name}": dependencyDepth ${config.dependencyDepth} asks for more import levels than its build info holds (${meta.depsHashes.length}, ` +
        `the transform's maxDependencyDepth); raise maxDependencyDepth (default: every level) or lower dependencyDepth`,
    );
  }
  // Past the last level the closure ends: the last hash covers it all.
  const depth = Math.min(config.dependencyDepth, meta.depsHashes.length);
  const importsHash = depth > 0 ? meta.depsHashes[depth - 1]! : "";
  const depsParts = dependencyParts(meta, depth);
  let filesHash = "";
  let dataFiles: string[] = [];
  if (meta.files.length > 0) {
    const files = hashDataFiles(meta.files, node);
    filesHash = files.hash;
    dataFiles = Object.keys(files.parts);
    Object.assign(depsParts, files.parts);
  }
  let stamped: DependencyStamps | undefined;
  const stamps = () => (stamped ??= stampDependencies(meta, config.dependencyDepth, dataFilesRoot(), dataFiles));
  const depsHash = importsHash || filesHash ? hashString(`deps\u0000${importsHash}\u0000${filesHash}`) : "";
  // Hashed rather than joined: every blob key then hashes 17 characters of it instead of 51.
  const keyPrefix = `${hashString(`${meta.codeHash}\u0000${envHash}\u0000${depsHash}`)}\u0000`;
  return { codeHash: meta.codeHash, envHash, depsHash, envParts, depsParts, codeParts: { source: meta.hashSource }, keyPrefix, stamps };
}

/** The level a per-level part names: `import level 3`. */
export const IMPORT_LEVEL = "import level ";

/**
 * The dependency hashes a miss is explained by, finest first: one per row of the build info's
 * closure list (a file, or a file's binding where the rows are per binding: the key is the row's
 * name either way); for a closure too large to list, one per import level, so a miss can at
 * least say how deep the change is. A few dozen strings per signature, whatever the closure.
 */
function dependencyParts(meta: PipelineNode["meta"], depth: number): Record<string, string> {
  const parts: Record<string, string> = {};
  if (meta.depsFiles) {
    for (const [path, level, hash] of meta.depsFiles) if (level <= depth) parts[path] = hash;
  } else {
    for (let level = 1; level <= depth; level++) parts[`${IMPORT_LEVEL}${level}`] = meta.depsHashes[level - 1]!;
  }
  return parts;
}

/**
 * The key of the one stored result of a signature: a hash of the node name, the code, env and
 * deps hashes, and the input hashes (the text `inputsHash` is the hash of).
 */
export function blobKeyOf(nodeName: string, fingerprint: NodeFingerprint, inputsText: string): string {
  return hashString(`${nodeName}\u0000${fingerprint.keyPrefix}${inputsText}`);
}

/**
 * The signature of one call: `inputsText` is the text its blob key covers, `inputs` the same
 * hashes by input name (kept, with the env and deps parts, to explain a later miss).
 */
export function callSignature(nodeName: string, fingerprint: NodeFingerprint, inputsText: string, inputs: Record<string, string>): NodeSignature {
  return {
    nodeName,
    codeHash: fingerprint.codeHash,
    envHash: fingerprint.envHash,
    inputsHash: hashString(inputsText),
    depsHash: fingerprint.depsHash,
    timestamp: Date.now(),
    parts: { inputs, deps: fingerprint.depsParts, env: fingerprint.envParts, code: fingerprint.codeParts },
  };
}
