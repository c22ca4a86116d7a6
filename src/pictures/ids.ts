/**
 * Node ids for Mermaid and DOT: derived from names only (never from object identity or
 * position), so a picture is stable, and safe in both syntaxes whatever characters a name has.
 */
import { hashString } from "../hashing/xxhash.js";

/**
 * `prefix_name` when the name is a plain identifier; otherwise the name with every other
 * character replaced by `_`, plus a short hash of the real name, so `a b` and `a-b` stay apart.
 * The prefix also keeps ids clear of words the syntaxes reserve (`end`, `graph`, `node`).
 */
export function stableId(prefix: string, name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, "_");
  return safe === name ? `${prefix}_${name}` : `${prefix}_${safe}_${hashString(name).slice(0, 8)}`;
}
