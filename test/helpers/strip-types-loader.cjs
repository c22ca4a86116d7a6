// A webpack loader that compiles TypeScript to JavaScript with esbuild (see strip-types.ts).
const { transformSync } = require("esbuild");

module.exports = function stripTypes(source) {
  return transformSync(source, { loader: "ts", format: "esm", sourcefile: this.resourcePath }).code;
};
