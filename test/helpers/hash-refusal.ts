/** The error hashValue refuses a value with; fails the test when it hashes it instead. */
import { expect } from "vitest";
import { UnhashableValueError, hashValue } from "../../src/hashing/hash-value.js";

export function refusal(value: unknown): UnhashableValueError {
  try {
    hashValue(value);
  } catch (error) {
    expect(error).toBeInstanceOf(UnhashableValueError);
    return error as UnhashableValueError;
  }
  throw new Error("hashValue did not throw");
}
