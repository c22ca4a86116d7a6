/**
 * The `daft` command line: commands, options and help. Each command's work lives in its own
 * module, imported only when that command runs, so `daft --help` loads nothing else.
 */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { DEFAULT_CACHE_DIR } from "../cache/disk/disk-cache.js";

/** What a command asks of the process when it is done. */
export interface Outcome {
  exitCode: number;
  /** Exit at once, even if the user's module left something running (graph imports user code). */
  exitNow?: boolean;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

const dirOption = () => new Option("--dir <path>", "the DiskCache directory (its cacheDir)").default(DEFAULT_CACHE_DIR);
const jsonOption = () => new Option("--json", "print JSON instead of text");

export function buildProgram(outcome: Outcome): Command {
  const program = new Command("daft")
    .description("Pipelines of plain functions that cache themselves correctly.")
    .version(packageVersion(), "-v, --version")
    .enablePositionalOptions()
    .showHelpAfterError("(daft --help shows the commands)")
    // Same one-line form as daft's own errors: "daft: unknown option '--x'".
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "daft: ")) })
    .exitOverride();

  program
    .command("run")
    .description("run a script with node and the daft loader (node --import daft/loader); TypeScript through tsx or Node's type stripping")
    .argument("<script>", "the script to run (.js, .mjs, .cjs, .ts, .mts, .cts)")
    .argument("[args...]", "arguments passed to the script")
    .option("--dry", "dry run: every Runner of the script only looks its calls up, runs and stores nothing, and prints what would hit and what would run")
    .passThroughOptions()
    .addHelpText(
      "after",
      "\nExit code and signals are the script's. --dry also works right after the script (daft run src/main.ts --dry);\n" +
        "`daft run -- src/main.ts --dry` passes --dry on to the script. A dry run sets DAFT_DRY_RUN=1 for the script: a run whose\n" +
        "results are not all in the cache ends the script after its report.\n\nExamples:\n  daft run src/main.ts --limit 10\n  daft run --dry src/main.ts",
    )
    .action(async (script: string, args: string[], options: { dry?: boolean }) => {
      const { runScript, dryFlagAfterScript } = await import("./run-command.js");
      const dryAfter = dryFlagAfterScript(script, args, process.argv.slice(2));
      outcome.exitCode = await runScript(script, dryAfter ? args.slice(1) : args, { dry: options.dry === true || dryAfter });
    });

  const cache = program.command("cache").description("inspect and maintain a disk cache");
  cache
    .command("stats")
    .description("entries and bytes stored, in all and per node (a mapped node's items under their node)")
    .addOption(dirOption())
    .addOption(jsonOption())
    .action(async (options: { dir: string; json?: boolean }) => {
      const { cacheStats } = await import("./cache-stats.js");
      cacheStats(options);
    });
  cache
    .command("clear")
    .description("remove every stored result and signature, or only one node's (other files in the directory stay)")
    .argument("[node]", "only this node: its output name, as stats and explain show it (a mapped node's items go with it), or output::itemKey for one item")
    .addOption(dirOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nWith a node, other nodes' results stay, and processes using the cache meanwhile are safe (one LMDB write transaction,\n" +
        "as eviction uses). A name the cache holds nothing of is refused, with the names it holds.\n" +
        "\nExamples:\n  daft cache clear\n  daft cache clear scores\n  daft cache clear scores::doc-2",
    )
    .action(async (node: string | undefined, options: { dir: string; json?: boolean }) => {
      const { cacheClear } = await import("./cache-clear.js");
      cacheClear(node, options);
    });
  cache
    .command("prune")
    .description("remove entries unused for longer than --max-age, then the least recently used beyond --max-size")
    .addOption(dirOption())
    .option("--max-size <size>", "keep at most this much: 500MB, 2GiB, 750M (default without either limit: 5GiB, the DiskCache default)")
    .option("--max-age <duration>", "remove entries unused for longer than this: 7d, 12h, 1d12h")
    .addOption(jsonOption())
    .addHelpText("after", "\nExample:\n  daft cache prune --max-size 500MB --max-age 7d")
    .action(async (options: { dir: string; maxSize?: string; maxAge?: string; json?: boolean }) => {
      const { cachePrune } = await import("./cache-prune.js");
      cachePrune(options);
    });
  cache
    .command("explain")
    .description("the latest stored signature of a node: code, env, deps (per file) and inputs (per input) hashes, and its value")
    .argument("<node>", "a node's output name, or output::itemKey for one item of a mapped node")
    .addOption(dirOption())
    .option("--all", "for a mapped node, show every item (default: a summary and the 3 most recent)")
    .addOption(jsonOption())
    .action(async (node: string, options: { dir: string; all?: boolean; json?: boolean }) => {
      const { cacheExplain } = await import("./cache-explain.js");
      cacheExplain(node, options);
    });

  program
    .command("graph")
    .description("print or write a picture of a pipeline exported by a module")
    .argument("<module#export>", "a module path (relative to the working directory) and the name of its Pipeline export")
    .addOption(new Option("--format <format>", "picture format (default: from --out's extension, else mermaid)").choices(["mermaid", "dot", "svg"]))
    .addOption(new Option("--direction <direction>", "layout direction: top to bottom or left to right").choices(["TB", "LR"]))
    .option("--out <file>", "write the picture to this file instead of stdout (.mmd, .mermaid, .dot, .gv or .svg)")
    .addHelpText(
      "after",
      "\nThe module is imported, in a separate Node process, as `daft run` would run it: its top-level code runs\n" +
        "(a pipeline it runs on import runs, and writes its cache). What it prints goes to stderr, never into the picture.\n" +
        "\nExamples:\n  daft graph src/pipeline.ts#pipeline\n  daft graph src/pipeline.ts#pipeline --out pipeline.svg",
    )
    .action(async (target: string, options: { format?: "mermaid" | "dot" | "svg"; direction?: "TB" | "LR"; out?: string }) => {
      const { graphCommand } = await import("./graph-command.js");
      await graphCommand(target, options);
      outcome.exitNow = true;
    });

  program
    .command("worker")
    .description('serve the cached nodes of modules to runners in mode "distributed" (BullMQ on Redis) until SIGINT/SIGTERM')
    .argument("<modules...>", "the modules that define the nodes (imported as daft run would: with the loader, TypeScript through tsx)")
    .requiredOption("--redis <url>", "the Redis server of the runners (redis://host:port)")
    .option("--queue <name>", "the queue name the runners use (Runner option queue)", "daft")
    .option("--concurrency <n>", "jobs this process runs at once", "1")
    .option("--lock-duration <ms>", "how long a job stays with a worker that stopped answering (killed) before another takes it", "10000")
    .option("--name <name>", "this worker's name in runs' events (default host:pid)")
    .addHelpText(
      "after",
      "\nThe modules must define nodes without running a pipeline when imported. Start one worker per core, on\n" +
        "any number of machines with the same code. Example:\n  daft worker src/nodes.ts --redis redis://127.0.0.1:6379 --concurrency 1",
    )
    .action(async (modules: string[], options: { redis: string; queue: string; concurrency: string; lockDuration: string; name?: string }) => {
      const { workerCommand } = await import("./worker-command.js");
      await workerCommand(modules, options);
      outcome.exitNow = true;
    });

  return program;
}
