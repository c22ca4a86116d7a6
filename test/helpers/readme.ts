/** Code blocks of the README, so the examples users copy are the ones the tests run. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./fixture.js";

export function readmeCodeBlocks(language: string): string[] {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const blocks: string[] = [];
  const fence = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```", "gm");
  for (const match of readme.matchAll(fence)) blocks.push(match[1]!);
  return blocks;
}
