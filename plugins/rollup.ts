/**
 * `daft/rollup`: injects build-time hashes into every `func()` call of the bundled code.
 *
 * ```js
 * // rollup.config.js
 * import daft from "daft/rollup";
 * export default { input: "src/main.ts", plugins: [daft(), typescript()] };
 * ```
 *
 * In any order: @rollup/plugin-typescript compiles in `load`, before every transform, and daft
 * injects the build info of the file as written into what it compiled.
 */
import type { RollupPlugin } from "unplugin";
import { daftUnplugin, type DaftPluginOptions } from "./index.js";

export type { DaftPluginOptions };

const daft: (options?: DaftPluginOptions) => RollupPlugin = daftUnplugin.rollup;

export { daft };
export default daft;
