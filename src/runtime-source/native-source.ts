/**
 * Whether `fn.toString()` text is that of a function whose source JavaScript cannot see: a
 * built-in, a bound function, a Proxy around a function, or a function of a native addon. V8
 * writes them as `function name() { [native code] }`; no JavaScript function's source ends that
 * way (`[native code]` is not a valid statement), so a literal in a real function's body cannot
 * be mistaken for it.
 */
const NATIVE_SOURCE = /\{\s*\[native code\]\s*\}$/;

export function isNativeSource(source: string): boolean {
  return NATIVE_SOURCE.test(source);
}
