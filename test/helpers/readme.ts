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

/** Every fenced block of the README in order, with its language ("" for a plain block). */
export function readmeBlocks(): { language: string; text: string }[] {
  const lines = readFileSync(join(repoRoot, "README.md"), "utf8").split("\n");
  const blocks: { language: string; text: string }[] = [];
  let open: { language: string; lines: string[] } | undefined;
  for (const line of lines) {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!open) {
      if (fence) open = { language: fence[1]!, lines: [] };
    } else if (line === "```") {
      blocks.push({ language: open.language, text: `${open.lines.join("\n")}\n` });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}
