/**
 * `daft/vite`: injects build-time hashes into every `func()` call of the bundled code.
 *
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from "vite";
 * import daft from "daft/vite";
 * export default defineConfig({ plugins: [daft()] });
 * ```
 */
import type { VitePlugin } from "unplugin";
import { daftUnplugin, type DaftPluginOptions } from "./index.js";

export type { DaftPluginOptions };

const daft: (options?: DaftPluginOptions) => VitePlugin = daftUnplugin.vite;

export { daft };
export default daft;
