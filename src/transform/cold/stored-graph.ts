/**
 * A module's binding graph (module-graph.ts) in the compact form the cache file keeps with the
 * file's record (stored-data.ts checks every field of it when it is read), so a module whose
 * bytes did not change is never parsed again to walk a closure through it.
 */
import type { StoredGraph, StoredLoad } from "../stored-data.js";
import type { Load, ModuleGraph } from "./module-graph.js";

export function storedGraph(graph: ModuleGraph): StoredGraph {
  return {
    l: [...graph.locals].map(([name, piece]) => [name, piece.hash, piece.reads, piece.loads.map(storedLoad)]),
    i: [...graph.imports].map(([local, { source, name, viaRequire }]) => [local, source, name, viaRequire ? 1 : 0]),
    e: [...graph.exports].map(([exported, target]) => ("local" in target ? [exported, target.local] : [exported, target.source, target.name])),
    s: graph.stars,
    t: graph.statements.map((statement) => [
      statement.id,
      statement.hash,
      statement.reads,
      statement.loads.map(storedLoad),
      statement.shallow.reads,
      statement.shallow.loads.map(storedLoad),
      statement.writes,
    ]),
    x: graph.sideEffects.map(({ specifier, viaRequire }) => [specifier, viaRequire ? 1 : 0]),
    o: graph.opaque ? 1 : 0,
  };
}

export function graphFromStored(stored: StoredGraph): ModuleGraph {
  return {
    locals: new Map(stored.l.map(([name, hash, reads, loads]) => [name, { hash, reads, loads: loads.map(loadFromStored) }])),
    imports: new Map(stored.i.map(([local, source, name, viaRequire]) => [local, { source, name, viaRequire: viaRequire === 1 }])),
    exports: new Map(stored.e.map((row) => [row[0], row.length === 2 ? { local: row[1] } : { source: row[1], name: row[2] }])),
    stars: stored.s,
    statements: stored.t.map(([id, hash, reads, loads, shallowReads, shallowLoads, writes]) => ({
      id,
      hash,
      reads,
      loads: loads.map(loadFromStored),
      shallow: { reads: shallowReads, loads: shallowLoads.map(loadFromStored) },
      writes,
    })),
    sideEffects: stored.x.map(([specifier, viaRequire]) => ({ specifier, viaRequire: viaRequire === 1 })),
    opaque: stored.o === 1,
  };
}

function storedLoad(load: Load): StoredLoad {
  switch (load.kind) {
    case "module":
      return [0, load.specifier, load.viaRequire ? 1 : 0];
    case "template":
      return [1, load.pattern, load.line];
    case "computed":
      return [2, load.line];
  }
}

function loadFromStored(load: StoredLoad): Load {
  switch (load[0]) {
    case 0:
      return { kind: "module", specifier: load[1], viaRequire: load[2] === 1 };
    case 1:
      return { kind: "template", pattern: load[1], line: load[2] };
    case 2:
      return { kind: "computed", line: load[1] };
  }
}
