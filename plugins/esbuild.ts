/**
 * `daft/esbuild`: injects build-time hashes into every `func()` call of the bundled code.
 *
 * ```js
 * import { build } from "esbuild";
 * import daft from "daft/esbuild";
 * await build({ entryPoints: ["src/main.ts"], bundle: true, plugins: [daft()] });
 * ```
 */
import type { EsbuildPlugin } from "unplugin";
import { daftUnplugin, type DaftPluginOptions } from "./index.js";

export type { DaftPluginOptions };

const daft: (options?: DaftPluginOptions) => EsbuildPlugin = daftUnplugin.esbuild;

export { daft };
export default daft;
