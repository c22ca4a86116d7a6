/**
 * codeHash: the function's normalised code plus the same-file bindings it reads, transitively.
 * Each test edits a copy of fixtures/transform-basic and compares the hashes before and after.
 */
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture, removeTempDirs, type FixtureCopy } from "../helpers/fixture.js";
import { codeHashes, transformFile } from "../helpers/transform.js";

afterAll(removeTempDirs);

const NODES = "src/nodes.ts";

function hashesAfter(edit: (copy: FixtureCopy) => void): { before: Record<string, string>; after: Record<string, string> } {
  const copy = copyFixture("transform-basic", { linkDaft: false });
  const before = codeHashes(transformFile(copy, NODES).byOutput);
  edit(copy);
  const after = codeHashes(transformFile(copy, NODES).byOutput);
  return { before, after };
}

/** The outputs whose hash changed. */
function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((name) => before[name] !== after[name]).sort();
}

describe("codeHash ignores how the code is written", () => {
  it("is unchanged by comments, whitespace, line breaks, quotes, parentheses, trailing commas and semicolons", () => {
    const { before, after } = hashesAfter((copy) => {
      let code = copy.read(NODES);
      const original = code;
      code = code.replace(/"/g, "'"); // quote style
      code = code.replace(/;\n/g, "\n"); // no semicolons (ASI)
      code = code.replace(/\n\n/g, "\n\n// a comment between declarations\n\n");
      code = code.replace("({ x }: { x: number }) => x * FACTOR", "(\n  {x} : {x:number},\n) =>\n  /* doubled */ ((x) * (FACTOR))");
      code = code.replace("return v * v", "return (v  *  v) // squared");
      code = code.replace("Fast = 1,\n  Slow = 2,\n", "Fast = 1, Slow = 2");
      code = code.replace("sumOfSquares(x, y)", "sumOfSquares(\n    x,\n    y,\n  )");
      code = code.replace("({ n }: { n: number }) => isEven(n)", "({ n: n }: { n: number }) => isEven(n)"); // shorthand spelt out
      code = code.replace(/  /g, "\t");
      expect(code).not.toBe(original);
      copy.write(NODES, code);
    });
    expect(Object.keys(before).length).toBe(13);
    expect(after).toEqual(before);
  });

  it("is unchanged by TypeScript types: annotations, as/satisfies/!, type parameters, interfaces, type-only imports", () => {
    const { before, after } = hashesAfter((copy) => {
      copy.edit(NODES, "({ x }: { x: number }) => x * FACTOR", "<T,>({ x }: { x: number | bigint }) => (x as number) * FACTOR!");
      copy.edit(NODES, "function square(v: number): number {", "function square(v: number | string): number {");
      copy.edit(NODES, "({ settings }: { settings: Settings }) => settings.level", "({ settings }: { settings: Settings & { extra?: true } }) => (settings satisfies Settings).level");
      copy.edit(NODES, "import type { Settings }", "import type { Settings, Other }");
      copy.edit(NODES, "const FACTOR = 2;", "interface Unused { a: string }\ntype Alias = number;\ndeclare const ambient: number;\nconst FACTOR: Alias = 2;");
      copy.edit(NODES, "constructor(private readonly base: number) {}", "declare tag: string;\n  constructor(private base: number) {}");
    });
    expect(after).toEqual(before);
  });

  it("is unchanged when declarations are reordered", () => {
    const { before, after } = hashesAfter((copy) => {
      const code = copy.read(NODES);
      const isEven = code.slice(code.indexOf("function isEven"), code.indexOf("function isOdd"));
      const isOdd = code.slice(code.indexOf("function isOdd"), code.indexOf("class Accumulator"));
      copy.write(NODES, code.replace(isEven + isOdd, isOdd + isEven));
    });
    expect(after).toEqual(before);
  });
});

describe("codeHash follows the same-file code the function uses", () => {
  it("changes when the function body changes, and only for that node", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "x * FACTOR", "x * FACTOR + 0"));
    expect(changed(before, after)).toEqual(["doubled"]);
  });

  it("changes when a referenced constant changes", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "const FACTOR = 2;", "const FACTOR = 3;"));
    expect(changed(before, after)).toEqual(["doubled"]);
  });

  it("changes when a helper changes", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "return square(a) + square(b);", "return square(a) - square(b);"));
    expect(changed(before, after)).toEqual(["squares"]);
  });

  it("changes when a helper of a helper changes (transitively)", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "return v * v;", "return v * v * 1;"));
    expect(changed(before, after)).toEqual(["squares"]);
  });

  it("does not change when an unrelated function of the same file changes", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "return v - 1;", "return v - 2;"));
    expect(changed(before, after)).toEqual([]);
  });

  it("terminates on mutually recursive helpers and sees edits in either", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "return n === 0 ? false : isEven(n - 1);", "return n === 0 ? false : !isOdd(n);"));
    expect(changed(before, after)).toEqual(["parity"]);
  });

  it("covers classes (methods and parameter properties) and enums, which exist at run time", () => {
    const classEdit = hashesAfter((copy) => copy.edit(NODES, "return this.base + v;", "return this.base * v;"));
    expect(changed(classEdit.before, classEdit.after)).toEqual(["accumulated"]);
    const propertyEdit = hashesAfter((copy) => copy.edit(NODES, "constructor(private readonly base: number) {}", "constructor(base: number) {}"));
    expect(changed(propertyEdit.before, propertyEdit.after)).toEqual(["accumulated"]);
    const enumEdit = hashesAfter((copy) => copy.edit(NODES, "Fast = 1,", "Fast = 5,"));
    expect(changed(enumEdit.before, enumEdit.after)).toEqual(["moded"]);
  });

  it("covers a function passed by name", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "return doubled + offset;", "return doubled + offset + 1;"));
    expect(changed(before, after)).toEqual(["result"]);
  });

  it("covers bindings of the enclosing function for a call inside a function", () => {
    const { before, after } = hashesAfter((copy) => copy.edit(NODES, "const offset = factor + 1;", "const offset = factor + 2;"));
    expect(changed(before, after)).toEqual(["factoryScaled"]);
  });

  it("leaves imported code to the dependency hashes", () => {
    const { before, after } = hashesAfter((copy) => {
      copy.write("src/math2.ts", copy.read("src/math.ts"));
      copy.edit(NODES, 'import { scale } from "./math.js";', 'import { scale } from "./math2.js";');
    });
    expect(changed(before, after)).toEqual([]);
    // …and an edit inside the imported file leaves every code hash alone too (it is a dependency).
    const inside = hashesAfter((copy) => copy.edit("src/math.ts", "value * 1.5", "value * 2.5"));
    expect(changed(inside.before, inside.after)).toEqual([]);
  });
});
