/**
 * Shared by the transform tests: run the transform on a file of a fixture copy and index the
 * injected build info by each node's output name.
 */
import { expect } from "vitest";
import type { BuildInfo } from "../../src/build-info.js";
import { createTransformer, type Transformer, type TransformerOptions, type TransformResult } from "../../src/transform/index.js";
import type { FixtureCopy } from "./fixture.js";

export interface FileTransform {
  result: TransformResult;
  /** Build info by the `output` option of each call, in source order. */
  byOutput: Record<string, BuildInfo>;
  warnings: string[];
}

/** `output: "name"` in each call's options, in source order (the fixtures always write it first). */
export function outputNames(code: string): string[] {
  return [...code.matchAll(/\{\s*output:\s*["']([^"']+)["']/g)].map((match) => match[1]!);
}

export function transformFile(
  copy: FixtureCopy,
  relative: string,
  options: TransformerOptions & { transformer?: Transformer } = {},
): FileTransform {
  const warnings: string[] = [];
  const transformer = options.transformer ?? createTransformer({ ...options, onWarning: (message) => warnings.push(message) });
  const code = copy.read(relative);
  const result = transformer.transform(code, copy.path(relative));
  expect(result, `${relative} should be transformed`).toBeDefined();
  const names = outputNames(code);
  expect(result!.buildInfos.length).toBe(names.length);
  const byOutput: Record<string, BuildInfo> = {};
  names.forEach((name, index) => (byOutput[name] = result!.buildInfos[index]!));
  return { result: result!, byOutput, warnings: options.transformer ? result!.warnings : warnings };
}

export function codeHashes(infos: Record<string, BuildInfo>): Record<string, string> {
  return Object.fromEntries(Object.entries(infos).map(([name, info]) => [name, info.codeHash]));
}

export function depsHashes(infos: Record<string, BuildInfo>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(infos).map(([name, info]) => [name, info.depsHashes]));
}
