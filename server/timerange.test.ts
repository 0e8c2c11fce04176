import { describe, expect, it } from "vitest";
import { describeRange, formatInstant, parseTimeExpression, resolveRange, shiftRange, zoomOut } from "./timerange";

const now = Date.UTC(2026, 10, 24, 12, 0, 0);

describe("parseTimeExpression", () => {
  it.each([
    ["now", now],
    ["now-1h", now - 3_600_000],
    ["now-7d", now - 7 * 86_400_000],
    ["now-90m", now - 5_400_000],
    ["1795525200000", 1_795_525_200_000],
    ["2026-11-24T10:00:00Z", Date.UTC(2026, 10, 24, 10)],
    ["2026-11-24", Date.UTC(2026, 10, 24)],
    ["yesterday", undefined],
    ["now-", undefined],
    ["now-1x", undefined],
    ["2026-13-45", undefined],
  ])("%s", (text, ms) => {
    expect(parseTimeExpression(text, now)).toBe(ms);
  });
});

describe("resolveRange", () => {
  it("resolves relative ranges at now", () => {
    expect(resolveRange({ from: "now-6h", to: "now" }, now)).toEqual({ fromMs: now - 6 * 3_600_000, toMs: now });
  });
  it.each([
    [{ from: "now", to: "now-1h" }],
    [{ from: "garbage", to: "now" }],
    [{ from: "1000000000000", to: "1000000000000" }],
  ])("falls back to the last hour for %j", (range) => {
    expect(resolveRange(range, now)).toEqual({ fromMs: now - 3_600_000, toMs: now });
  });
});

describe("moving the window", () => {
  const range = { fromMs: now - 3_600_000, toMs: now - 1_800_000 };
  it("shifts back and forward by half its width", () => {
    expect(shiftRange(range, -1)).toEqual({ fromMs: now - 4_500_000, toMs: now - 2_700_000 });
    expect(shiftRange(range, 1)).toEqual({ fromMs: now - 2_700_000, toMs: now - 900_000 });
  });
  it("never shifts past now", () => {
    expect(shiftRange({ fromMs: now - 600_000, toMs: now }, 1, now)).toEqual({ fromMs: now - 600_000, toMs: now });
  });
  it("zooms out around the middle, clamped at now", () => {
    expect(zoomOut(range)).toEqual({ fromMs: now - 4_500_000, toMs: now - 900_000 });
    expect(zoomOut({ fromMs: now - 600_000, toMs: now }, now)).toEqual({ fromMs: now - 1_200_000, toMs: now });
  });
});

describe("describeRange", () => {
  it.each([
    [{ from: "now-1h", to: "now" }, "Last 1 hour"],
    [{ from: "now-45m", to: "now" }, "Last 45m"],
    [{ from: String(now - 3_600_000), to: String(now) }, "2026-11-24 11:00:00 → 2026-11-24 12:00:00 UTC"],
  ])("%j reads %s", (range, text) => {
    expect(describeRange(range, now)).toBe(text);
  });
  it("formats instants in UTC", () => {
    expect(formatInstant(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02 03:04:05");
  });
});
