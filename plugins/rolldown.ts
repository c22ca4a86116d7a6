/**
 * `daft/rolldown`: injects build-time hashes into every `func()` call of the bundled code.
 *
 * ```js
 * // rolldown.config.js
 * import { defineConfig } from "rolldown";
 * import daft from "daft/rolldown";
 * export default defineConfig({ input: "src/main.ts", plugins: [daft()] });
 * ```
 */
import type { RolldownPlugin } from "unplugin";
import { daftUnplugin, type DaftPluginOptions } from "./index.js";

export type { DaftPluginOptions };

const daft: (options?: DaftPluginOptions) => RolldownPlugin = daftUnplugin.rolldown;

export { daft };
export default daft;
