/**
 * Which parser the cold part parses with (cold/parser.ts loads it), and how to tell its version
 * without loading it: records in the cache file are kept only for the parser version that made
 * them, and a warm start confirms that version with one stat of the parser's package.json.
 */
import { createRequire } from "node:module";

export const PARSER_PACKAGE = "@babel/parser";

export interface ParserIdentity {
  /** e.g. "babel-7.29.0": part of every persisted cache key (another parser may give another AST) */
  version: string;
  /** the path of the package.json the version was read from */
  manifest: string;
}

let identity: ParserIdentity | undefined;

export function parserIdentity(): ParserIdentity {
  if (!identity) {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve(`${PARSER_PACKAGE}/package.json`);
    identity = { version: `babel-${(require(manifest) as { version: string }).version}`, manifest };
  }
  return identity;
}
