/**
 * How `daft cache prune` reads sizes and durations, and how the CLI prints them: the rules the
 * help text promises (kB/MB/GB are powers of 1000; KiB/MiB/GiB and K/M/G powers of 1024;
 * durations combine units; a bare number of minutes-or-milliseconds is refused).
 */
import { describe, expect, it } from "vitest";
import { formatAgo, formatBytes, formatDuration, parseDuration, parseSize } from "../../src/cli/units.js";
import { UsageError } from "../../src/cli/errors.js";

describe("sizes", () => {
  it("reads decimal, binary and bare units, any case", () => {
    expect(parseSize("500MB")).toBe(500_000_000);
    expect(parseSize("500mb")).toBe(500_000_000);
    expect(parseSize("1.5GB")).toBe(1_500_000_000);
    expect(parseSize("2GiB")).toBe(2 * 1024 ** 3);
    expect(parseSize("750M")).toBe(750 * 1024 ** 2);
    expect(parseSize("10k")).toBe(10 * 1024);
    expect(parseSize("1048576")).toBe(1_048_576);
    expect(parseSize("0")).toBe(0);
    expect(parseSize(" 12 KB ")).toBe(12_000);
  });

  it("refuses what it cannot read, naming the option and showing examples", () => {
    for (const text of ["", "lots", "5XB", "-1MB", "1e6", "MB"]) {
      expect(() => parseSize(text), text).toThrow(UsageError);
      expect(() => parseSize(text), text).toThrow(`--max-size: cannot read "${text}" as a size; write e.g. 500MB`);
    }
  });

  it("prints binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GiB");
    expect(formatBytes(300 * 1024 ** 2)).toBe("300 MiB");
  });
});

describe("durations", () => {
  it("reads units and combinations", () => {
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("30m")).toBe(30 * 60_000);
    expect(parseDuration("30min")).toBe(30 * 60_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
    expect(parseDuration("1d12h")).toBe(36 * 3_600_000);
    expect(parseDuration("1.5h")).toBe(90 * 60_000);
    expect(parseDuration("0")).toBe(0);
  });

  it("refuses bare numbers and unknown units", () => {
    for (const text of ["7", "7 days", "d", "7y", "1d 12x", ""]) {
      expect(() => parseDuration(text), text).toThrow(`--max-age: cannot read "${text}" as a duration`);
    }
  });

  it("prints the two largest parts, and how long ago", () => {
    expect(formatDuration(7 * 86_400_000)).toBe("1 week");
    expect(formatDuration(36 * 3_600_000)).toBe("1 day 12 hours");
    expect(formatDuration(90_000)).toBe("1 minute 30 seconds");
    const now = Date.UTC(2025, 0, 10);
    expect(formatAgo(now - 5_000, now)).toBe("just now");
    expect(formatAgo(now - 5 * 60_000, now)).toBe("5 minutes ago");
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe("3 days ago");
  });
});
