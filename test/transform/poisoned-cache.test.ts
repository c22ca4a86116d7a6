/**
 * The transform's cache files hold data, never code. Whoever can write node_modules/.cache/daft
 * (another process, a restored CI cache) must not be able to run code in the next
 * `node --import daft/loader` process or in the next bundle.
 *
 * A clean run leaves its cache files; then each string field of them, one at a time, is replaced
 * in place (the file keeps its layout) by a payload that runs wherever it is spliced into a
 * module: in argument position (`func(options, fn<payload>)`) or inside a JSON string of the
 * build info (`"),…,("`). A real loader process and a real esbuild build with daft/esbuild must
 * then print and emit exactly what the clean run did: the payload never runs, the hashes are
 * right.
 */
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import daft from "../../plugins/esbuild.js";
import { cacheFileText, describeField, stringFields, withField, type FieldPath } from "../helpers/cache-files.js";
import { copyFixture, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { runProcess } from "../helpers/node-process.js";
import { linkPackages } from "../helpers/plugin-app.js";

afterAll(removeTempDirs);

const PAYLOAD = `,(globalThis.process.stdout.write("PWNED"),{}),/*"),globalThis.process.stdout.write("PWNED"),("*/`;
const TRANSFORM_CACHE = "node_modules/.cache/daft/transform.json";
const COMPILED_CALLS = "node_modules/.cache/daft/compiled-calls.json";
const LOADER_RUN = ["--import", "daft/loader", "main.mjs"];
/** tsx registered first: daft's hook gets tsx's output and keeps its call positions in compiled-calls.json. */
const TSX_FIRST_RUN = ["--import", "tsx", "--import", "daft/loader", "ts/main.ts"];

async function stdoutOf(copy: FixtureCopy, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await runProcess(process.execPath, args, { cwd: copy.dir, env });
  expect(result.code, `${what}: node ${args.join(" ")} failed\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** `main.mjs` bundled by esbuild with daft/esbuild (its default cache file is the loader's). */
async function bundle(copy: FixtureCopy): Promise<string> {
  const result = await build({
    absWorkingDir: copy.dir,
    entryPoints: ["main.mjs"],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    external: ["daft"],
    logLevel: "silent",
    plugins: [daft()],
  });
  return result.outputFiles[0]!.text;
}

/** A copy that has run once: its cache files are there, as a clean run leaves them. */
async function ranCopy(args: string[]): Promise<{ copy: FixtureCopy; clean: string }> {
  const copy = copyFixture("poisoned-cache");
  linkPackages(copy.dir, ["tsx"]);
  return { copy, clean: await stdoutOf(copy, args, "clean run") };
}

/** Runs `check` for every field of `fields` on one of `copies` at a time each (they share the work). */
async function eachField(copies: FixtureCopy[], fields: FieldPath[], check: (copy: FixtureCopy, field: FieldPath) => Promise<void>): Promise<void> {
  await Promise.all(
    copies.map(async (copy, worker) => {
      for (const field of fields.filter((_, index) => index % copies.length === worker)) await check(copy, field);
    }),
  );
}

describe("the transform cache holds data, never code", () => {
  it("code planted in any string field of transform.json never runs in the loader or in a bundle, and the hashes stay right", async () => {
    const runs = await Promise.all([ranCopy(LOADER_RUN), ranCopy(LOADER_RUN)]);
    const expected = runs[0]!.clean;
    expect(JSON.parse(expected)[0]).toMatchObject({ hashSource: "build", inputs: ["x", "factor"], defaults: ["factor"], file: "src/nodes.mjs" });
    const copies = runs.map(({ copy }) => copy);
    const originals = copies.map((copy) => copy.read(TRANSFORM_CACHE));
    const bundles = await Promise.all(copies.map(bundle));
    expect(bundles[0]).toContain('"codeHash":');
    // The planted files are written exactly as the transform lays them out.
    expect(cacheFileText(JSON.parse(originals[0]!))).toBe(originals[0]);
    const fields = stringFields(JSON.parse(originals[0]!));
    expect(fields.length).toBeGreaterThan(10);

    await eachField(copies, fields, async (copy, field) => {
      const worker = copies.indexOf(copy);
      const planted = withField(originals[worker]!, field, PAYLOAD);
      copy.write(TRANSFORM_CACHE, planted);
      expect(await stdoutOf(copy, LOADER_RUN, describeField(field)), `loader, ${describeField(field)}`).toBe(expected);
      copy.write(TRANSFORM_CACHE, planted);
      expect(await bundle(copy), `daft/esbuild, ${describeField(field)}`).toBe(bundles[worker]);
    });
  }, 600_000);

  it("code planted in any string field of compiled-calls.json never runs", async () => {
    const runs = await Promise.all([ranCopy(TSX_FIRST_RUN), ranCopy(TSX_FIRST_RUN)]);
    const expected = runs[0]!.clean;
    expect(JSON.parse(expected)[0]).toMatchObject({ hashSource: "build", file: "ts/nodes.ts" });
    const copies = runs.map(({ copy }) => copy);
    const originals = copies.map((copy) => copy.read(COMPILED_CALLS));
    expect(cacheFileText(JSON.parse(originals[0]!))).toBe(originals[0]);
    const fields = stringFields(JSON.parse(originals[0]!));
    expect(fields.length).toBeGreaterThanOrEqual(3);

    await eachField(copies, fields, async (copy, field) => {
      copy.write(COMPILED_CALLS, withField(originals[copies.indexOf(copy)]!, field, PAYLOAD));
      expect(await stdoutOf(copy, TSX_FIRST_RUN, describeField(field)), describeField(field)).toBe(expected);
    });
  }, 300_000);

  it("an entry that fails its checks is ignored with a DEBUG=daft:transform line, recomputed and stored again", async () => {
    const { copy, clean } = await ranCopy(LOADER_RUN);
    const original = copy.read(TRANSFORM_CACHE);
    const document = JSON.parse(original) as { transforms: Record<string, unknown> };
    const key = Object.keys(document.transforms).find((name) => name.endsWith("src/nodes.mjs"))!;
    copy.write(TRANSFORM_CACHE, withField(original, ["transforms", key, "calls", 0, "codeHash"], PAYLOAD));

    const result = await runProcess(process.execPath, LOADER_RUN, { cwd: copy.dir, env: { ...process.env, DEBUG: "daft:transform" } });
    expect(result.stdout).toBe(clean);
    expect(result.stderr).toContain(`entry "${key}" in "transforms" ignored: calls[0]: codeHash is not a hash`);
    expect(result.stderr).toContain("src/nodes.mjs: 1 func call(s), 2 closure file(s), parsed");
    expect(copy.read(TRANSFORM_CACHE)).not.toContain("PWNED");
  }, 120_000);
});
