/**
 * `new Runner({ onEvent })`: the user's callback as an observer of every run, called with each
 * call's event as it happens. It must never break a run: one that throws is reported once per
 * Runner and still called with the next events (a logger's hiccup should not end the log).
 */
import type { NamedObserver } from "./observer.js";
import type { RunEvent } from "./stats.js";

export function eventObserver(onEvent: (event: RunEvent) => void, warn: (message: string) => void): NamedObserver {
  let warned = false;
  return {
    name: "onEvent",
    observer: {
      callFinished(event) {
        try {
          onEvent(event);
        } catch (error) {
          if (warned) return;
          warned = true;
          warn(`onEvent threw and was ignored (later errors are not reported): ${(error as Error)?.message ?? String(error)}`);
        }
      },
    },
  };
}
