/**
 * tsconfig `paths` / `baseUrl` mapping, from the nearest tsconfig.json of the importing file
 * (with its `extends` chain, which get-tsconfig follows, including configs from packages).
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { TsConfigResult } from "get-tsconfig";

type GetTsconfig = typeof import("get-tsconfig");

let library: GetTsconfig | undefined;

/** get-tsconfig costs ~10 ms to load: only builds that resolve imports pay for it. */
function getTsconfigLibrary(): GetTsconfig {
  library ??= createRequire(import.meta.url)("get-tsconfig") as GetTsconfig;
  return library;
}

type PathsMatcher = (specifier: string) => string[];

interface TsconfigEntry {
  /** Absolute path of the tsconfig.json that applies, if any. */
  path: string | undefined;
  matcher: PathsMatcher | undefined;
}

export class TsconfigPaths {
  private readonly byDir = new Map<string, TsconfigEntry>();
  private readonly byConfig = new Map<string, TsconfigEntry>();
  private readonly chains = new Map<string, string[]>();
  private getTsconfigCache = new Map<string, unknown>();

  constructor(private readonly onWarning: (message: string) => void) {}

  /** The tsconfig.json that applies to `file`, if any. */
  configOf(file: string): string | undefined {
    return this.entryOf(dirname(file)).path;
  }

  /**
   * The tsconfig.json that applies to `file` and the local configs it `extends` (configs from
   * packages are left out: they change only with the package version).
   */
  configChainOf(file: string): string[] {
    const config = this.configOf(file);
    if (!config) return [];
    let chain = this.chains.get(config);
    if (!chain) {
      chain = [];
      const pending = [config];
      while (pending.length > 0) {
        const current = pending.shift()!;
        if (chain.includes(current)) continue;
        chain.push(current);
        pending.push(...localExtends(current));
      }
      this.chains.set(config, chain);
    }
    return chain;
  }

  /** Candidate absolute paths for a bare specifier, in the order TypeScript tries them. */
  candidates(specifier: string, file: string): string[] {
    const entry = this.entryOf(dirname(file));
    return entry.matcher ? entry.matcher(specifier) : [];
  }

  private entryOf(dir: string): TsconfigEntry {
    let entry = this.byDir.get(dir);
    if (entry) return entry;
    let result: TsConfigResult | null = null;
    try {
      result = getTsconfigLibrary().getTsconfig(dir, "tsconfig.json", this.getTsconfigCache as Map<string, never>);
    } catch (error) {
      this.onWarning(`cannot read the tsconfig.json that applies to ${dir}: ${(error as Error).message}; its "paths" are not used`);
    }
    if (!result) {
      entry = { path: undefined, matcher: undefined };
    } else {
      entry = this.byConfig.get(result.path);
      if (!entry) {
        let matcher: PathsMatcher | undefined;
        try {
          matcher = getTsconfigLibrary().createPathsMatcher(result) ?? undefined;
        } catch (error) {
          this.onWarning(`${result.path}: invalid "paths": ${(error as Error).message}`);
        }
        entry = { path: result.path, matcher };
        this.byConfig.set(result.path, entry);
      }
    }
    this.byDir.set(dir, entry);
    return entry;
  }

  forgetAll(): void {
    this.byDir.clear();
    this.byConfig.clear();
    this.chains.clear();
    this.getTsconfigCache = new Map();
  }
}

/**
 * Relative `extends` of a tsconfig file. tsconfig files may hold comments, so this reads the
 * `extends` value with a pattern rather than JSON.parse; an unreadable file simply has none.
 */
function localExtends(config: string): string[] {
  let text: string;
  try {
    text = readFileSync(config, "utf8");
  } catch {
    return [];
  }
  const match = /"extends"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/.exec(text);
  if (!match) return [];
  let values: unknown;
  try {
    values = JSON.parse(match[1]!);
  } catch {
    return [];
  }
  const list = Array.isArray(values) ? values : [values];
  return list
    .filter((value): value is string => typeof value === "string" && value.startsWith("."))
    .map((value) => resolve(dirname(config), value.endsWith(".json") ? value : `${value}.json`));
}
