/**
 * A fresh TypeScript project in a temp folder, daft linked in (the built package, as a user's
 * project imports it) and tsx when asked, type-checked by the real `tsc` in a child process:
 * for tests of what the compiler says about code users write.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { fixtureHandle, linkDaft, makeTempDir, repoRoot, type FixtureCopy } from "./fixture.js";
import { runProcess } from "./node-process.js";

/** The strict settings of a NodeNext project. */
const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
};

export function typeScriptProject(files: Record<string, string>, options: { tsx?: boolean } = {}): FixtureCopy {
  const project = fixtureHandle(makeTempDir("daft-ts-"));
  project.write("package.json", '{ "type": "module" }\n');
  project.write("tsconfig.json", JSON.stringify({ ...TSCONFIG, files: Object.keys(files) }, null, 2));
  for (const [name, text] of Object.entries(files)) project.write(name, text);
  linkDaft(project.dir);
  if (options.tsx) symlinkSync(join(repoRoot, "node_modules", "tsx"), project.path("node_modules/tsx"), "dir");
  return project;
}

/** `tsc -p tsconfig.json` in the project: its exit code and what it printed. */
export async function typeCheck(project: FixtureCopy): Promise<{ code: number | null; output: string }> {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const result = await runProcess(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: project.dir, timeoutMs: 120_000 });
  return { code: result.code, output: result.stdout + result.stderr };
}

