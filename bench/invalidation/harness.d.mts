// Types of harness.mjs, for the acceptance test (TypeScript) that calls it.

export type SettingName = "default" | "depth2" | "no-loader" | "file-level";

export interface PairResult {
  edit: string;
  category: string;
  node: string;
  expected: "hit" | "miss";
  observed: "hit" | "miss";
  verdict: "stale" | "needless";
  /** The node must hit, but the edit lies in code a binding-level closure of the node reaches. */
  reachedNotRun: boolean;
}

export interface Counts {
  stalePairs: number;
  staleEdits: number;
  needlessPairs: number;
  mustMissPairs: number;
  mustHitPairs: number;
  /** Must-hit pairs whose edit lies in code a binding-level closure reaches but the node never ran. */
  reachedNotRunPairs: number;
  /** Needless pairs among those. */
  needlessReachedPairs: number;
}

export interface SettingSummary extends Counts {
  byCategory: Record<string, Counts & { edits: number }>;
  /** The pairs the setting got wrong. */
  pairs: PairResult[];
}

export interface CorpusResult {
  nodes: string[];
  edits: Array<{ id: string; category: string }>;
  settings: Partial<Record<SettingName, SettingSummary>>;
  /** Per measured setting, the nodes that missed on the unchanged corpus after the cache was filled. */
  unchangedMisses: Partial<Record<SettingName, string[]>>;
  hashSources: Partial<Record<SettingName, Record<string, string>>>;
  durationMs: number;
}

export const SETTINGS: Record<SettingName, { run: "loader" | "plain" | "computed"; dependencyDepth?: number; description: string }>;

export const groundTruthFile: string;

export function loadGroundTruth(): unknown;

export function runCorpus(options?: {
  settings?: SettingName[];
  edits?: string[];
  parallel?: 1 | 2;
  log?: (line: string) => void;
}): Promise<CorpusResult>;
