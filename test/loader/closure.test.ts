/**
 * `node --import daft/loader` on nodes whose code reaches other modules binding by binding
 * (fixtures/loader-pipeline/src/closure): each step edits the project and asserts, per node, hit
 * or miss. What a node can execute must make it miss (a `let` assigned later, a superclass
 * method, a prototype assignment, a registry entry, a top-level statement of its own module or
 * of a module it reaches, a file a template-literal `import()` can load); what it cannot must
 * not (an unused neighbour, a barrel's unused re-export, a local rename).
 */
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "../helpers/fixture.js";
import { copyLoaderFixture, LOADER, NODE_VERSIONS, runPipeline } from "../helpers/loader-fixture.js";

afterAll(removeTempDirs);

const ALL_HIT = { doubled: "hit", scaled: "hit", shaped: "hit", registered: "hit", offset: "hit", templated: "hit" };
const PIPELINE = { PIPELINE: "./src/closure/pipeline.mjs", DEPTH: "Infinity" };

describe("node --import daft/loader: binding-level closures", () => {
  it.concurrent.each(NODE_VERSIONS.filter(({ major }) => major !== 22))("on Node $major", async ({ binary }) => {
    const node = await binary();
    const copy = copyLoaderFixture();
    const run = async (): Promise<Record<string, string>> => (await runPipeline(node, copy.dir, LOADER, PIPELINE)).events;
    const lib = (name: string): string => `src/closure/lib/${name}`;

    const first = await runPipeline(node, copy.dir, LOADER, PIPELINE);
    expect(first.result).toMatchObject({ doubled: 10, scaled: 15, shaped: "area 25 square", registered: 10, offset: 6, templated: "one 5" });
    for (const report of Object.values(first.nodes)) expect(report.hashSource).toBe("build");
    expect(await run(), "unchanged").toEqual(ALL_HIT);

    // What the nodes cannot execute.
    copy.edit(lib("numbers.mjs"), "const twice = x * 2;\n  return twice;", "const result = x * 2;\n  return result;");
    expect(await run(), "local variable renamed in a helper").toEqual(ALL_HIT);
    copy.edit(lib("numbers.mjs"), "return x - 1;", "return x - 2;");
    expect(await run(), "unused neighbour function edited").toEqual(ALL_HIT);
    copy.edit(lib("unused.mjs"), "x * 100", "x * 1000");
    expect(await run(), "module reached only through an unused re-export of a barrel").toEqual(ALL_HIT);

    // What they can.
    copy.edit(lib("scale.mjs"), "scaleBy = (x) => x * 3;", "scaleBy = (x) => x * 4;");
    expect(await run(), "`let scaleBy; scaleBy = …`").toEqual({ ...ALL_HIT, scaled: "miss:deps" });
    copy.edit(lib("shapes.mjs"), "return `area ${this.area()}`;", "return `surface ${this.area()}`;");
    expect(await run(), "superclass method").toEqual({ ...ALL_HIT, shaped: "miss:deps" });
    copy.edit(lib("shapes.mjs"), 'return "square";', 'return "a square";');
    expect(await run(), "Square.prototype.label = …").toEqual({ ...ALL_HIT, shaped: "miss:deps" });
    copy.edit(lib("registry.mjs"), 'registry.set("double", double);', 'registry.set("double", (x) => x + x);');
    expect(await run(), 'registry.set("double", …)').toEqual({ ...ALL_HIT, registered: "miss:deps" });
    copy.edit(lib("settings.mjs"), "export function setOffset", "settings.offset = 5;\n\nexport function setOffset");
    expect(await run(), "top-level statement added to a reached module").toEqual({ ...ALL_HIT, offset: "miss:deps" });
    copy.edit("src/closure/offset.mjs", "setOffset(1);", "setOffset(2);");
    const own = await runPipeline(node, copy.dir, LOADER, PIPELINE);
    expect(own.events, "top-level statement of the node's own module").toEqual({ ...ALL_HIT, offset: "miss:code" });
    expect(own.result.offset).toBe(7);
    copy.edit("src/closure/templates/one.mjs", "`one ${x}`", "`uno ${x}`");
    expect(await run(), "the file a template import() loads").toEqual({ ...ALL_HIT, templated: "miss:deps" });
    copy.edit("src/closure/templates/two.mjs", "`two ${x}`", "`dos ${x}`");
    expect(await run(), "another file the template import() can load").toEqual({ ...ALL_HIT, templated: "miss:deps" });
  }, 600_000);
});
