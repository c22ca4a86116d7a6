/**
 * Values that cannot be hashed stably are refused with an UnhashableValueError that says what
 * the value is, where it sits (`.path`), and what to do — never hashed by identity or by their
 * (empty) visible properties.
 */
import { EventEmitter } from "node:events";
import { createServer, Socket } from "node:net";
import { Readable } from "node:stream";
import { MessageChannel } from "node:worker_threads";
import { open } from "node:fs/promises";
import { createECDH, generateKeySync } from "node:crypto";
import { opendirSync } from "node:fs";
import { tmpdir } from "node:os";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { UnhashableValueError, hashValue } from "../../src/hashing/hash-value.js";
import { refusal } from "../helpers/hash-refusal.js";

const FIX = /\[Symbol\.for\("daft\.cacheKey"\)\]\(\) or cacheKey\(\) method/;

describe("refused values", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["a Symbol", () => Symbol("token"), /^a Symbol \(Symbol\(token\)\) cannot be hashed stably/],
    ["a registered Symbol", () => Symbol.for("token"), /^a Symbol \(Symbol\(token\)\)/],
    ["a boxed Symbol", () => Object(Symbol("s")), /^a boxed Symbol/],
    ["a WeakMap", () => new WeakMap(), /^a WeakMap cannot be hashed stably: its entries cannot be listed/],
    ["a WeakSet", () => new WeakSet(), /^a WeakSet cannot/],
    ["a WeakRef", () => new WeakRef({}), /^a WeakRef cannot/],
    ["a FinalizationRegistry", () => new FinalizationRegistry(() => {}), /^a FinalizationRegistry cannot/],
    ["a Promise", () => Promise.resolve(1), /^a Promise cannot be hashed stably: its value is not known yet\. Await it/],
    ["a generator", () => (function* numbers() { yield 1; })(), /^a generator object cannot .*consuming it/],
    ["an async generator", () => (async function* numbers() { yield 1; })(), /^a generator object/],
    ["a Map iterator", () => new Map([[1, 2]]).entries(), /^an Map Entries|^an Map Iterator|Iterator/],
    ["an Array iterator", () => [1, 2][Symbol.iterator](), /^an Array Iterator cannot/],
    ["an EventEmitter", () => new EventEmitter(), /^an EventEmitter cannot be hashed stably: it is a live resource, not data/],
    ["a Node stream", () => Readable.from(["a"]), /^a Readable \(an EventEmitter\)/],
    ["a socket", () => new Socket(), /^a Socket \(an EventEmitter\)/],
    ["the process", () => process, /\(an EventEmitter\)/],
    ["an AbortSignal", () => new AbortController().signal, /^an AbortSignal \(an EventTarget\)/],
    ["a web stream", () => new ReadableStream(), /^a ReadableStream cannot/],
    ["a Blob", () => new Blob(["abc"]), /^a Blob cannot be hashed stably: its body can only be read asynchronously\. Read it first/],
    ["a bound function", () => function named() {}.bind(null), /^a bound function \(bound named\)/],
    ["a native function that is not a built-in of the language", () => structuredClone, /^a native function \(structuredClone\) cannot be hashed stably: its source text is hidden/],
    ["a built-in function of another realm", () => runInNewContext("Math.max"), /^a native function \(max\) cannot be hashed stably/],
    ["a secret key", () => generateKeySync("hmac", { length: 64 }), /\(a crypto key\)/],
    ["an ECDH key pair", () => createECDH("prime256v1"), /^an ECDH \(a native handle wrapper\)/],
    ["a directory handle", () => opendirSync(tmpdir()), /^a Dir \(a native handle wrapper\)/],
  ];

  for (const [name, make, message] of cases) {
    it(`${name}`, () => {
      const error = refusal(make());
      expect(error.message).toMatch(message);
      expect(error.path).toBe("");
      expect(error.name).toBe("UnhashableValueError");
    });
  }

  it("a MessagePort (an EventTarget)", () => {
    const { port1, port2 } = new MessageChannel();
    try {
      expect(refusal({ port: port1 }).message).toMatch(/^a MessagePort \(an (EventTarget|EventEmitter)\) at \.port cannot/);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("a server and an open file handle", async () => {
    const server = createServer();
    const handle = await open(new URL(import.meta.url));
    try {
      expect(refusal({ server }).message).toMatch(/^a Server \(an EventEmitter\) at \.server/);
      expect(refusal({ file: handle }).message).toMatch(/^a FileHandle \(an EventEmitter\) at \.file/);
    } finally {
      await handle.close();
    }
  });

  it("timers", () => {
    const timeout = setTimeout(() => {}, 10_000);
    const interval = setInterval(() => {}, 10_000);
    const immediate = setImmediate(() => {});
    try {
      expect(refusal(timeout).message).toMatch(/^a Timeout \(a timer\)/);
      expect(refusal({ every: interval }).message).toMatch(/^a Timeout \(a timer\) at \.every/);
      expect(refusal([immediate]).message).toMatch(/^an Immediate \(a timer\) at \[0\]/);
    } finally {
      clearTimeout(timeout);
      clearInterval(interval);
      clearImmediate(immediate);
    }
  });

  it("every message tells what to do", () => {
    for (const value of [new WeakMap(), new EventEmitter(), { deep: new WeakSet() }]) expect(refusal(value).message).toMatch(FIX);
    expect(refusal(Symbol("x")).message).toMatch(/Use a string instead/);
  });
});

describe("paths", () => {
  it("name where the offending value sits, in accessor syntax", () => {
    const signal = new AbortController().signal;
    expect(refusal({ options: { signal } }).path).toBe(".options.signal");
    expect(refusal([0, 1, 2, { x: Symbol("s") }]).path).toBe("[3].x");
    expect(refusal({ "content-type": { 0: Promise.resolve() } }).path).toBe('["content-type"]["0"]');
    expect(refusal(new Map([["k", new WeakSet()]])).path).toBe('.get("k")');
    expect(refusal(new Map([[7, [new WeakSet()]]])).path).toBe(".get(7)[0]");
    expect(refusal(new Map([[new WeakSet(), 1]])).path).toBe(".<a Map key>");
    expect(refusal({ tags: new Set([1, Symbol("s")]) }).path).toBe(".tags.<a Set element>");
    expect(refusal({ doc: { cacheKey: () => ({ when: Promise.resolve() }) } }).path).toBe(".doc.cacheKey().when");
    expect(refusal({ doc: { [Symbol.for("daft.cacheKey")]: () => [Symbol("s")] } }).path).toBe('.doc[Symbol.for("daft.cacheKey")]()[0]');
    class Job {
      handle = new EventEmitter();
    }
    expect(refusal({ jobs: [new Job()] }).path).toBe(".jobs[0].handle");
  });

  it("the message includes the path and reads well after the runner's prefix", () => {
    const error = refusal({ options: { signal: new AbortController().signal } });
    const shown = `node "scores", input "doc": ${error.message}`;
    expect(shown).toMatch(
      /^node "scores", input "doc": an AbortSignal \(an EventTarget\) at \.options\.signal cannot be hashed stably: it is a live resource, not data\. Pass a hashable value instead, or give the object/,
    );
  });
});

describe("cache key method failures", () => {
  it("a throwing method is reported with its error as the cause", () => {
    const boom = new Error("no id yet");
    const error = refusal({
      doc: {
        cacheKey() {
          throw boom;
        },
      },
    });
    expect(error.path).toBe(".doc");
    expect(error.message).toMatch(/its cacheKey\(\) method threw Error: no id yet/);
    expect(error.cause).toBe(boom);
  });

  it("a method returning the object itself is refused (it would make all such objects hash alike)", () => {
    const self = {
      cacheKey(): unknown {
        return this;
      },
    };
    expect(refusal([self]).message).toMatch(/^the object at \[0\] cannot be hashed stably: its cache key method returned the object itself/);
  });

  it("a method returning a new keyed object every time ends in a clear error, not a crash", () => {
    class Endless {
      cacheKey(): unknown {
        return new Endless();
      }
    }
    expect(refusal(new Endless()).message).toMatch(/nested too deeply/);
  });
});

describe("after a refusal", () => {
  it("the next hash is unaffected (no state leaks from the aborted one)", () => {
    const value = { a: [1, 2, new Map([["x", { y: 1 }]])] };
    const before = hashValue(value);
    refusal({ a: [1, 2, new Map([["x", { y: new WeakMap() }]])] });
    refusal({ deep: [[[[Symbol("s")]]]] });
    expect(hashValue(value)).toBe(before);
  });

  it("very deep but finite nesting either hashes or is refused clearly", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 1000; i++) deep = { child: deep };
    expect(hashValue(deep)).toMatch(/^[0-9a-f]{16}$/);
    let deeper: unknown = "leaf";
    for (let i = 0; i < 200_000; i++) deeper = [deeper];
    expect(refusal(deeper).message).toMatch(/nested too deeply/);
  });
});
