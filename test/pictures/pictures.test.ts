/**
 * Pictures of a pipeline: exact Mermaid and DOT text (golden, so format changes are deliberate),
 * determinism, escaping of odd names, colouring by a real run's stats, and SVG rendered by
 * Graphviz in WebAssembly with no system `dot` on PATH.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryCache, Runner } from "../../src/index.js";
import { pipelineToDot, pipelineToMermaid, pipelineToSvg } from "../../src/pictures/index.js";
import { makeTempDir, removeTempDirs, repoRoot } from "../helpers/fixture.js";
import { runNode } from "../helpers/node-process.js";
import { ODD_OUTPUT, itemsPipeline, oddNamesPipeline, scoringPipeline } from "../helpers/pictures-pipelines.js";

afterAll(removeTempDirs);

const SCORING_MERMAID = `flowchart TB
  input_folder(["folder"])
  input_limit(["limit = 3"]):::optional
  input_model(["model = #quot;mini#quot;"]):::optional
  input_query(["query"])
  fn_docs["load → docs"]
  fn_vectors[["embed → vectors<br/>cached · map over docs"]]
  fn_scores["score → scores<br/>map over docs"]
  fn_best[["best<br/>cached"]]
  result_best[/"best"/]
  input_folder --> fn_docs
  input_limit --> fn_docs
  fn_docs -->|map| fn_vectors
  input_model --> fn_vectors
  fn_vectors --> fn_scores
  input_query --> fn_scores
  fn_docs -->|map| fn_scores
  fn_scores -.->|reduce| fn_best
  fn_best --> result_best
  classDef optional stroke-dasharray:5 5
`;

const SCORING_DOT = `digraph pipeline {
  graph [rankdir=TB, fontname="Helvetica,Arial,sans-serif"];
  node [fontname="Helvetica,Arial,sans-serif", fontsize=11, margin="0.2,0.08"];
  edge [fontname="Helvetica,Arial,sans-serif", fontsize=9];
  "input_folder" [label="folder", shape=ellipse];
  "input_limit" [label="limit = 3", shape=ellipse, style=dashed];
  "input_model" [label="model = \\"mini\\"", shape=ellipse, style=dashed];
  "input_query" [label="query", shape=ellipse];
  "fn_docs" [label="load → docs", shape=box];
  "fn_vectors" [label="embed → vectors\\ncached · map over docs", shape=box, peripheries=2];
  "fn_scores" [label="score → scores\\nmap over docs", shape=box];
  "fn_best" [label="best\\ncached", shape=box, peripheries=2];
  "result_best" [label="best", shape=parallelogram];
  "input_folder" -> "fn_docs";
  "input_limit" -> "fn_docs";
  "fn_docs" -> "fn_vectors" [label="map", style=bold];
  "input_model" -> "fn_vectors";
  "fn_vectors" -> "fn_scores";
  "input_query" -> "fn_scores";
  "fn_docs" -> "fn_scores" [label="map", style=bold];
  "fn_scores" -> "fn_best" [label="reduce", style=dashed];
  "fn_best" -> "result_best";
}
`;

const ITEMS_MERMAID = `flowchart LR
  input_item(["item<br/>map axis"])
  fn_squared["squared<br/>map over item"]
  fn_count["count"]
  result_squared[/"squared<br/>one per item"/]
  result_count[/"count"/]
  input_item -->|map| fn_squared
  input_item -.->|reduce| fn_count
  fn_squared --> result_squared
  fn_count --> result_count
`;

describe("Mermaid and DOT text", () => {
  it("matches the golden pictures: required and optional inputs with defaults, cached and mapped nodes, map and reduce edges, results", () => {
    const pipeline = scoringPipeline();
    expect(pipeline.toMermaid()).toBe(SCORING_MERMAID);
    expect(pipeline.toDot()).toBe(SCORING_DOT);
    // The methods and the functions the CLI uses give the same text.
    expect(pipelineToMermaid(pipeline)).toBe(SCORING_MERMAID);
    expect(pipelineToDot(pipeline)).toBe(SCORING_DOT);
  });

  it("shows a map axis given as a run input, and an unmapped node reading it whole as a reduce", () => {
    expect(itemsPipeline().toMermaid({ direction: "LR" })).toBe(ITEMS_MERMAID);
    const dot = itemsPipeline().toDot({ direction: "LR" });
    expect(dot).toContain("rankdir=LR");
    expect(dot).toContain(`"input_item" -> "fn_count" [label="reduce", style=dashed];`);
    expect(dot).toContain(`"input_item" -> "fn_squared" [label="map", style=bold];`);
  });

  it("is the same text for separately constructed identical pipelines, and for repeated calls", () => {
    const first = scoringPipeline();
    const second = scoringPipeline();
    expect(first).not.toBe(second);
    expect(first.nodes[1]!.fn).not.toBe(second.nodes[1]!.fn);
    const texts = [first.toMermaid(), second.toMermaid(), first.toMermaid(), second.toMermaid()];
    expect(new Set(texts).size).toBe(1);
    const dots = [first.toDot(), second.toDot(), first.toDot()];
    expect(new Set(dots).size).toBe(1);
    expect(oddNamesPipeline().toMermaid()).toBe(oddNamesPipeline().toMermaid());
    expect(oddNamesPipeline().toDot()).toBe(oddNamesPipeline().toDot());
  });

  it("gives safe, distinct, stable ids to names with odd characters, and escapes their labels", () => {
    const pipeline = oddNamesPipeline();
    const mermaid = pipeline.toMermaid();
    const ids = [...mermaid.matchAll(/^ {2}(\w+)[[(]/gm)].map((match) => match[1]!);
    expect(ids).toHaveLength(new Set(ids).size); // "a b" and "a-b" stay apart
    for (const id of ids) expect(id).toMatch(/^(input|fn|result)_[A-Za-z0-9_]+$/);
    // An output named "end" (a Mermaid keyword) is prefixed; odd names get a hash of the real name.
    expect(ids).toContain("fn_end");
    expect(ids.filter((id) => id.startsWith("fn_a_b_"))).toHaveLength(2);
    // Quotes, angle brackets, # & and backticks become Mermaid entities; only the delimiters stay quotes.
    expect(mermaid).toContain(`["measure → size #quot;in#quot; #lt;bytes#gt; [x] #35;1 #amp; #96;y#96; \\ end"]`);
    for (const line of mermaid.split("\n").filter((line) => line.includes('"'))) {
      expect(line.replace(/\[\/?"|"\/?\]|\(\["|"\]\)/g, "")).not.toContain('"');
    }
    const dot = pipeline.toDot();
    expect(dot).toContain(`[label="measure → size \\"in\\" <bytes> [x] #1 & \`y\` \\\\ end", shape=box]`);
    // The same ids in both formats, whatever the insertion order of the pipeline's internals.
    for (const id of ids) expect(dot).toContain(`"${id}"`);
  });

  it("rejects an unknown direction with a message saying what is accepted", () => {
    expect(() => scoringPipeline().toMermaid({ direction: "up" as never })).toThrow(/direction must be "TB" or "LR", got "up"/);
  });
});

describe("colouring by a run's stats", () => {
  it("marks each function hit, miss, partial or no-cache from a real run with a MemoryCache", async () => {
    const pipeline = scoringPipeline();
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });

    await runner.run(pipeline, { folder: "f", query: "q" }); // docs 0..2: every cached call misses
    let mermaid = pipeline.toMermaid({ stats: runner.stats });
    expect(mermaid).toContain(`  fn_docs["load → docs<br/>no cache"]:::nocache\n`);
    expect(mermaid).toContain(`  fn_vectors[["embed → vectors<br/>cached · map over docs<br/>✗ 3 miss"]]:::miss\n`);
    expect(mermaid).toContain(`  fn_scores["score → scores<br/>map over docs<br/>no cache ×3"]:::nocache\n`);
    expect(mermaid).toContain(`  fn_best[["best<br/>cached<br/>✗ miss"]]:::miss\n`);

    await runner.run(pipeline, { folder: "f", query: "q", limit: 4 }); // docs 0..3: three hits, one miss
    mermaid = pipeline.toMermaid({ stats: runner.stats });
    expect(mermaid).toContain(`  fn_vectors[["embed → vectors<br/>cached · map over docs<br/>3 hit, 1 miss"]]:::partial\n`);
    expect(mermaid).toContain(`  fn_best[["best<br/>cached<br/>✗ miss"]]:::miss\n`);

    await runner.run(pipeline, { folder: "f", query: "q", limit: 4 }); // the same run again: all hits
    mermaid = pipeline.toMermaid({ stats: runner.stats });
    expect(mermaid).toContain(`  fn_vectors[["embed → vectors<br/>cached · map over docs<br/>✓ 4 hit"]]:::hit\n`);
    expect(mermaid).toContain(`  fn_best[["best<br/>cached<br/>✓ hit"]]:::hit\n`);
    expect(mermaid).toContain(`  fn_docs["load → docs<br/>no cache"]:::nocache\n`);
    // classDefs and a legend for the statuses that occur, and only those.
    expect(mermaid).toContain("  classDef hit fill:#d3f9d8,stroke:#2b8a3e,color:#1b4332\n");
    expect(mermaid).toContain("  classDef nocache fill:#e9ecef,stroke:#868e96,color:#343a40\n");
    expect(mermaid).not.toContain("classDef miss");
    expect(mermaid).toContain(`  subgraph legend["cache"]\n    legend_hit["✓ hit"]:::hit\n    legend_nocache["no cache"]:::nocache\n  end\n`);

    const dot = pipeline.toDot({ stats: runner.stats });
    expect(dot).toContain(
      `"fn_best" [label="best\\ncached\\n✓ hit", shape=box, peripheries=2, style=filled, fillcolor="#d3f9d8", color="#2b8a3e", fontcolor="#1b4332"];`,
    );
    expect(dot).toContain(`"fn_docs" [label="load → docs\\nno cache", shape=box, style=filled, fillcolor="#e9ecef"`);
    expect(dot).toContain(`subgraph cluster_legend {`);
    // Without stats, no colour at all.
    expect(pipeline.toMermaid()).toBe(SCORING_MERMAID);
  });

  it("leaves nodes of another pipeline's stats uncoloured", async () => {
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });
    await runner.run(itemsPipeline(), { item: [1, 2] });
    expect(scoringPipeline().toMermaid({ stats: runner.stats })).toBe(SCORING_MERMAID);
  });
});

/** Checks that every tag opened is closed in order: enough to catch broken or cut-off SVG. */
function expectBalancedTags(xml: string): void {
  const stack: string[] = [];
  const body = xml.replace(/<!--[\s\S]*?-->/g, "");
  for (const [, closing, name, selfClosing] of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)(?:\s[^>]*?)?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

describe("SVG", () => {
  it("renders in-process to a file: an <svg> document with the node labels and the status colours", async () => {
    const pipeline = scoringPipeline();
    const runner = new Runner({ progress: false, cacheConfig: { enabled: true, backend: new MemoryCache(), verbose: false } });
    await runner.run(pipeline, { folder: "f", query: "q" });
    const file = join(makeTempDir("daft-svg-"), "pipeline.svg");
    writeFileSync(file, await pipelineToSvg(pipeline, { stats: runner.stats }));

    const svg = readFileSync(file, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expectBalancedTags(svg);
    for (const label of ["load → docs", "embed → vectors", "cached · map over docs", "score → scores", "limit = 3", "model = &quot;mini&quot;", "reduce", "map"]) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain(`fill="#ffe3e3"`); // the misses
    expect(svg).toContain(`fill="#e9ecef"`); // the uncached nodes
  });

  it("lays out odd names exactly as given (the DOT escaping survives Graphviz)", async () => {
    const svg = await pipelineToSvg(oddNamesPipeline());
    expectBalancedTags(svg);
    const escaped = ODD_OUTPUT.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    expect(svg).toContain(`>measure → ${escaped}</text>`);
  });

  it("needs no Graphviz on PATH, and loads it only when an SVG is asked for", async () => {
    const dir = makeTempDir("daft-svg-trace-");
    const { cpSync, symlinkSync, mkdirSync } = await import("node:fs");
    cpSync(join(repoRoot, "fixtures/progress-import-trace"), dir, { recursive: true });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(repoRoot, join(dir, "node_modules/daft"), "dir");
    // Only node's own folder on PATH: no `dot`, whatever the machine has installed.
    const env = { ...process.env, PATH: dirname(process.execPath) };

    const plainLog = join(dir, "plain.log");
    await runNode(["--import", "./trace.mjs", "use-daft.mjs"], { cwd: dir, env: { ...env, IMPORT_LOG: plainLog } });
    const plain = readFileSync(plainLog, "utf8");
    expect(plain).toContain("/dist/src/index.js"); // the trace sees daft's own modules…
    expect(plain).not.toContain("@viz-js"); // …and no Graphviz for a program that draws no SVG

    const svgLog = join(dir, "svg.log");
    const result = await runNode(["--import", "./trace.mjs", "use-daft.mjs", "svg"], { cwd: dir, env: { ...env, IMPORT_LOG: svgLog } });
    expect(result.stdout).toContain("SVG OK");
    expect(readFileSync(svgLog, "utf8")).toMatch(/node_modules\/@viz-js\/viz\/dist\/viz\.js/);
  });
});
