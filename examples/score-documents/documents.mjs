/** A small corpus and the questions asked of it. */
export const documents = [
  { id: "caching", title: "Caching pipelines", text: "A cache returns a stored result when the code, the inputs and the environment are unchanged." },
  { id: "hashing", title: "Content hashing", text: "Hashing the content of inputs gives keys that are stable across processes and machines." },
  { id: "bundlers", title: "Build plugins", text: "A bundler plugin can fingerprint code at build time, so nothing is parsed when the pipeline runs." },
  { id: "monorepo", title: "Monorepos", text: "In a monorepo a helper edited in one package invalidates exactly the steps that import it." },
  { id: "ci", title: "Continuous integration", text: "CI jobs reuse yesterday's results from a disk cache instead of recomputing every step." },
  { id: "vectors", title: "Vector search", text: "Documents and queries become vectors; cosine similarity ranks the documents for each query." },
];

export const queries = ["which steps re-run after an edit", "stable keys for cached results", "rank documents for a query"];
