// Copies the part of date-fns the invalidation corpus runs into fixtures/invalidation-corpus/vendor/date-fns,
// from a checkout of the date-fns repository at tag v4.1.0 (the npm package ships compiled JavaScript
// only, the TypeScript sources live in the repository):
//
//   git clone --branch v4.1.0 https://github.com/date-fns/date-fns /tmp/date-fns
//   node bench/invalidation/vendor-date-fns.mjs /tmp/date-fns
//
// What is left out: the tests (`test.ts`, `_lib/test/`), the curried `fp/` variants (except the type
// file `types.ts` re-exports), and every locale but the seven below. Two mechanical changes, both
// behaviour-preserving, are applied and listed in the vendored README:
// - `src/locale/index.ts` (a generated barrel) re-exports only the vendored locales;
// - `src/parse/_lib/Setter.ts`: `ValueSetter`'s constructor parameter properties become fields assigned
//   in the constructor, because Node's type stripping (which keeps every character offset, so V8
//   coverage offsets are offsets in the TypeScript file) does not support parameter properties.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const LOCALES = ["de", "de-AT", "en-GB", "en-US", "es", "fr", "ja"];
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const target = join(repo, "fixtures/invalidation-corpus/vendor/date-fns");
const checkout = process.argv[2];
if (!checkout || !existsSync(join(checkout, "src/index.ts"))) {
  console.error("usage: node bench/invalidation/vendor-date-fns.mjs <date-fns checkout at v4.1.0>");
  process.exit(1);
}
const version = JSON.parse(readFileSync(join(checkout, "package.json"), "utf8")).version;
if (version !== "4.1.0") throw new Error(`expected date-fns 4.1.0, the checkout is ${version}`);

function wanted(path) {
  if (!path.endsWith(".ts")) return false;
  const parts = path.split("/");
  if (parts.at(-1) === "test.ts" || parts.includes("test")) return false;
  if (parts[0] === "fp") return path === "fp/types.ts";
  if (parts[0] === "locale" && parts.length > 2 && parts[1] !== "_lib") return LOCALES.includes(parts[1]);
  return true;
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

rmSync(join(target, "src"), { recursive: true, force: true });
let count = 0;
for (const file of walk(join(checkout, "src"))) {
  const path = relative(join(checkout, "src"), file).split("\\").join("/");
  if (!wanted(path)) continue;
  mkdirSync(dirname(join(target, "src", path)), { recursive: true });
  cpSync(file, join(target, "src", path));
  count++;
}
cpSync(join(checkout, "LICENSE.md"), join(target, "LICENSE.md"));

function patch(path, from, to) {
  const file = join(target, "src", path);
  const before = readFileSync(file, "utf8");
  if (!before.includes(from)) throw new Error(`${path}: the text to patch is not there`);
  writeFileSync(file, before.replace(from, to));
}

const localeBarrel = readFileSync(join(target, "src/locale/index.ts"), "utf8")
  .split("\n")
  .filter((line) => !line.startsWith("export * from") || LOCALES.some((code) => line === `export * from "./${code}/index.js";`))
  .join("\n");
writeFileSync(join(target, "src/locale/index.ts"), localeBarrel);

patch(
  "parse/_lib/Setter.ts",
  `export class ValueSetter<Value> extends Setter {
  constructor(
    private value: Value,

    private validateValue: <DateType extends Date>(
      date: DateType,
      value: Value,
      options: ParserOptions,
    ) => boolean,

    private setValue: <DateType extends Date>(
      date: DateType,
      flags: ParseFlags,
      value: Value,
      options: ParserOptions,
    ) => DateType | [DateType, ParseFlags],
    public priority: number,
    subPriority?: number,
  ) {
    super();
`,
  `export class ValueSetter<Value> extends Setter {
  private value: Value;
  private validateValue: <DateType extends Date>(
    date: DateType,
    value: Value,
    options: ParserOptions,
  ) => boolean;
  private setValue: <DateType extends Date>(
    date: DateType,
    flags: ParseFlags,
    value: Value,
    options: ParserOptions,
  ) => DateType | [DateType, ParseFlags];
  public priority: number;

  constructor(
    value: Value,

    validateValue: <DateType extends Date>(
      date: DateType,
      value: Value,
      options: ParserOptions,
    ) => boolean,

    setValue: <DateType extends Date>(
      date: DateType,
      flags: ParseFlags,
      value: Value,
      options: ParserOptions,
    ) => DateType | [DateType, ParseFlags],
    priority: number,
    subPriority?: number,
  ) {
    super();
    this.value = value;
    this.validateValue = validateValue;
    this.setValue = setValue;
    this.priority = priority;
`,
);
console.log(`vendored ${count} files of date-fns ${version} into ${relative(repo, target)}`);
