/** The entry of the cold part's own bundle for the Node loader (see cold-part-bundled.ts). */
export { createColdPart } from "./index.js";
export { provideHashing } from "../hashing-handoff.js";
