/**
 * Captures what the code under test writes to process.stderr (the `[CACHE]` summary), while
 * still letting vitest's own output through.
 */
export async function captureStderr<T>(run: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  try {
    const result = await run();
    return { result, stderr };
  } finally {
    process.stderr.write = original;
  }
}
