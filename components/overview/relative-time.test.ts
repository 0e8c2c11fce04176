import { describe, expect, it } from "vitest";
import { formatAgo, formatUtc } from "./relative-time";

const now = Date.parse("2026-11-24T12:00:00Z");
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe("formatAgo", () => {
  it.each([
    [0, "just now"],
    [59_999, "just now"],
    [-5_000, "just now"],
    [minute, "1 minute ago"],
    [2 * minute + 59_000, "2 minutes ago"],
    [59 * minute, "59 minutes ago"],
    [hour, "1 hour ago"],
    [23 * hour + 59 * minute, "23 hours ago"],
    [day, "1 day ago"],
    [29 * day, "29 days ago"],
    [30 * day, "on 2026-10-25"],
  ])("%i ms before now → %s", (before, text) => {
    expect(formatAgo(now - before, now)).toBe(text);
  });
});

describe("formatUtc", () => {
  it("writes the moment in UTC, to the second", () => {
    expect(formatUtc(Date.parse("2026-11-24T09:05:07.123Z"))).toBe("2026-11-24 09:05:07 UTC");
  });
});
