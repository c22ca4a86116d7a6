/**
 * What `npm pack` puts in the tarball: a LICENSE that matches package.json's `license`, the
 * repository, homepage and bugs links, a file behind every `exports` target and the `bin`, and
 * source maps that carry their sources (the TypeScript sources are not in the package, so a map
 * that only names them would send debuggers and `--enable-source-maps` to files that are not there).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDirs } from "../helpers/fixture.js";
import { packDaft } from "../helpers/packed-package.js";

afterAll(removeTempDirs);

interface PackageJson {
  license: string;
  repository?: { type: string; url: string };
  homepage?: string;
  bugs?: { url: string };
  files: string[];
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
}

/** Every file in the tarball, as paths relative to its `package/` folder. */
let files: string[];
let root: string;
let manifest: PackageJson;

beforeAll(async () => {
  const tarball = await packDaft();
  const dir = makeTempDir("daft-tarball-");
  execFileSync("tar", ["-xzf", tarball, "-C", dir]);
  root = join(dir, "package");
  files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((path) => path.replace(/^package\//, ""));
  manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
}, 180_000);

describe("the packed package", () => {
  it("has an MIT LICENSE of the daft authors, and says so in package.json", () => {
    expect(files).toContain("LICENSE");
    expect(manifest.files).toContain("LICENSE");
    expect(manifest.license).toBe("MIT");
    const license = readFileSync(join(root, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the daft authors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it("carries xxhash-wasm's licence with the copy of its binary", () => {
    const xxhash = readFileSync(join(root, "dist/src/hashing/xxhash.js"), "utf8");
    expect(xxhash).toMatch(/^\/\*! The WebAssembly binary below is xxhash-wasm's/);
    expect(xxhash).toContain("Copyright © 2017 Michael Jungo");
  });

  it("names its repository, homepage and issue tracker", () => {
    expect(manifest.repository).toEqual({ type: "git", url: "git+https://github.com/daft-pipelines/daft.git" });
    expect(manifest.homepage).toBe("https://github.com/daft-pipelines/daft#readme");
    expect(manifest.bugs).toEqual({ url: "https://github.com/daft-pipelines/daft/issues" });
  });

  it("holds the file behind every export, every type declaration and the bin", () => {
    const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)));
    expect(Object.keys(manifest.exports)).toContain("./rolldown");
    for (const target of [...targets, ...Object.values(manifest.bin)]) expect(files, target).toContain(target.replace(/^\.\//, ""));
  });

  it("ships only source maps that carry the sources they name", () => {
    const maps = files.filter((path) => path.endsWith(".map"));
    const lacking = maps.filter((path) => {
      const map = JSON.parse(readFileSync(join(root, path), "utf8")) as { sources: string[]; sourcesContent?: unknown[] };
      const contents = map.sourcesContent ?? [];
      return contents.length !== map.sources.length || contents.some((content) => typeof content !== "string");
    });
    expect(lacking).toEqual([]);
    // And every map a script points at is in the package.
    for (const path of files.filter((file) => file.endsWith(".js"))) {
      const pointer = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, path), "utf8"))?.[1];
      if (pointer && !pointer.startsWith("data:")) expect(existsSync(join(root, path, "..", pointer)), `${path} → ${pointer}`).toBe(true);
    }
  });
});
