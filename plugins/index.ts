/**
 * The unplugin instance shared by every bundler entry (`daft/vite`, `daft/rollup`…). Each entry
 * picks its bundler's plugin from it, so they all run the same factory and the same transform.
 */
import { createUnplugin } from "unplugin";
import { daftPluginFactory } from "./factory.js";

export const daftUnplugin = /* #__PURE__ */ createUnplugin(daftPluginFactory);
export type { DaftPluginOptions } from "./options.js";
