/**
 * `daft/webpack`: injects build-time hashes into every `func()` call of the bundled code.
 *
 * ```js
 * // webpack.config.js
 * import daft from "daft/webpack";
 * export default { plugins: [daft()] };
 * ```
 */
import type { WebpackPluginInstance } from "unplugin";
import { daftUnplugin, type DaftPluginOptions } from "./index.js";

export type { DaftPluginOptions };

const daft: (options?: DaftPluginOptions) => WebpackPluginInstance = daftUnplugin.webpack;

export { daft };
export default daft;
