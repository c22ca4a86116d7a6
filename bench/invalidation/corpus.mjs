// The corpus project on disk: where it lives, copies of it in temp folders (with this package and
// tsx linked in as a user's project would have them), its files, and edits applied to a copy.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const corpusDir = join(repoRoot, "fixtures", "invalidation-corpus");

/** Every file of the corpus project, relative to it, `/`-separated, sorted. */
export function corpusFiles(dir = corpusDir) {
  const files = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path).split("\\").join("/"));
    }
  };
  walk(dir);
  return files.sort();
}

/**
 * A hash of the corpus (every file but its READMEs) and of the edits: the ground truth holds only
 * for the pair it was computed on.
 */
export function corpusFingerprint(edits) {
  const hash = createHash("sha256");
  for (const file of corpusFiles().filter((name) => !name.endsWith(".md"))) hash.update(`${file}\0`).update(readFileSync(join(corpusDir, file))).update("\0");
  hash.update(JSON.stringify(edits));
  return hash.digest("hex").slice(0, 16);
}

/** Copies the corpus into a new temp folder, with `node_modules/daft` (this package) and `node_modules/tsx`. */
export function copyCorpus(prefix = "daft-invalidation-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(corpusDir, dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(repoRoot, join(dir, "node_modules", "daft"), "dir");
  symlinkSync(join(repoRoot, "node_modules", "tsx"), join(dir, "node_modules", "tsx"), "dir");
  return dir;
}

export function removeCopy(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Where an edit changes its file: the offsets of `find` minus the prefix and suffix it shares with
 * `replace`, in the file before (`before`) and after (`after`) the edit. An insertion has an empty
 * span (start === end).
 */
export function editSpans(text, edit) {
  const start = text.indexOf(edit.find);
  if (start < 0) throw new Error(`edit ${edit.id}: the text to find is not in ${edit.file}`);
  if (text.indexOf(edit.find, start + 1) >= 0) throw new Error(`edit ${edit.id}: the text to find occurs more than once in ${edit.file}`);
  const { find, replace } = edit;
  let prefix = 0;
  while (prefix < find.length && prefix < replace.length && find[prefix] === replace[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < find.length - prefix &&
    suffix < replace.length - prefix &&
    find[find.length - 1 - suffix] === replace[replace.length - 1 - suffix]
  )
    suffix++;
  return {
    text: text.slice(0, start) + replace + text.slice(start + find.length),
    before: [start + prefix, start + find.length - suffix],
    after: [start + prefix, start + replace.length - suffix],
  };
}

/** Applies an edit to a copy; returns the function that puts the file back. */
export function applyEdit(dir, edit) {
  const path = join(dir, edit.file);
  const original = readFileSync(path, "utf8");
  writeFileSync(path, editSpans(original, edit).text);
  return () => writeFileSync(path, original);
}

/** Copies a folder's content over another (which is emptied first); nothing happens if `from` is absent. */
export function replaceFolder(from, to) {
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}

/** Runs a process to its end; rejects with its output when it fails. */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolvePromise({ stdout, stderr });
      else reject(new Error(`${command} ${args.join(" ")} (in ${options.cwd ?? "."}) exited with ${code ?? signal}\n${stderr}`));
    });
  });
}

/** Runs `work(item, slot)` over the items, at most `parallel` at a time; `slot` is 0 … parallel-1. */
export async function inParallel(items, parallel, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async (_, slot) => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], slot);
      }
    }),
  );
  return results;
}

/** The node whose `func` call declares each output: `{ output: file }`, found by the literal `output` option. */
export function nodeFiles(dir = corpusDir) {
  const files = {};
  for (const file of corpusFiles(dir).filter((name) => name.startsWith("nodes/"))) {
    for (const match of readFileSync(join(dir, file), "utf8").matchAll(/func\(\s*\{\s*output:\s*"([^"]+)"/g)) files[match[1]] = file;
  }
  return files;
}
