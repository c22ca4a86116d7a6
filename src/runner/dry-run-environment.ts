/**
 * `DAFT_DRY_RUN=1` makes every run of the process a dry run; `daft run --dry` sets it for the
 * script. A module of its own, without imports, so the CLI reads the name without loading the runtime.
 */
export const DRY_RUN_VARIABLE = "DAFT_DRY_RUN";

/** `DAFT_DRY_RUN=1` (or `true`): every run is a dry run. */
export function dryRunFromEnvironment(): boolean {
  const value = process.env[DRY_RUN_VARIABLE];
  return value === "1" || value === "true";
}
