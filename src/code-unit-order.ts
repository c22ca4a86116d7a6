/**
 * The order of strings by UTF-16 code units, the same everywhere: unlike `localeCompare`, it
 * does not depend on the machine's locale, so anything sorted with it (hash inputs, file
 * lists) comes out identical on every machine.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
