/**
 * Path segments for error messages, in JavaScript accessor syntax so a path reads like code:
 * `.options.signal`, `[3].x`, `["content-type"]`, `.get("k")`. Only built when an error is thrown.
 */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function propertySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function indexSegment(index: number): string {
  return `[${index}]`;
}

export function mapValueSegment(key: unknown): string {
  return `.get(${describeKey(key)})`;
}

export const MAP_KEY_SEGMENT = ".<a Map key>";
export const SET_ELEMENT_SEGMENT = ".<a Set element>";

function describeKey(key: unknown): string {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
    case "boolean":
      return String(key);
    case "bigint":
      return `${key}n`;
    case "undefined":
      return "undefined";
    default:
      return key === null ? "null" : "…";
  }
}
