/**
 * What the components log under `DEBUG=daft:*`, kept here so each call site in the runtime is
 * one line behind an `enabled` test and costs nothing when logging is off.
 */
import type { Transformer } from "../transform/transformer.js";
import { debugTransform } from "./index.js";

/** Wraps `transformer.transform` to log each module it handles (only called when daft:transform is on). */
export function logTransforms<T extends Transformer>(transformer: T): T {
  const transform = transformer.transform.bind(transformer);
  transformer.transform = (code, id) => {
    const { transforms, warmHits: warmBefore } = transformer.stats;
    const started = performance.now();
    const result = transform(code, id);
    if (transformer.stats.transforms === transforms) return result; // no func call possible: not worth a line
    const how = transformer.stats.warmHits > warmBefore ? "warm cache" : "parsed";
    const took = (performance.now() - started).toFixed(2);
    if (!result) debugTransform(`${id}: no func calls (${took}ms)`);
    else debugTransform(`${id}: ${result.buildInfos.length} func call(s), ${result.watchFiles.length} closure file(s), ${how} (${took}ms)`);
    return result;
  };
  return transformer;
}
