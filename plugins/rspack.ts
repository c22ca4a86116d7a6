/**
 * `daft/rspack`: injects build-time hashes into every `func()` call of the bundled code.
 *
 * ```js
 * // rspack.config.js
 * import daft from "daft/rspack";
 * export default { plugins: [daft()] };
 * ```
 */
import type { RspackPluginInstance } from "unplugin";
import { daftUnplugin, type DaftPluginOptions } from "./index.js";

export type { DaftPluginOptions };

const daft: (options?: DaftPluginOptions) => RspackPluginInstance = daftUnplugin.rspack;

export { daft };
export default daft;
