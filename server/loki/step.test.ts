import { describe, expect, it } from "vitest";
import { formatDuration, stepForRange } from "./step";

describe("stepForRange", () => {
  it.each([
    [60_000, 500, 1_000],
    [3_600_000, 500, 10_000],
    [6 * 3_600_000, 500, 60_000],
    [24 * 3_600_000, 500, 300_000],
    [7 * 86_400_000, 500, 1_800_000],
    [30 * 86_400_000, 500, 7_200_000],
    [3_600_000, 60, 60_000],
    [400 * 86_400_000, 10, 40 * 86_400_000],
  ])("%i ms at %i points → %i ms", (range, points, step) => {
    expect(stepForRange(range, points)).toBe(step);
  });
});

describe("formatDuration", () => {
  it.each([
    [1_000, "1s"],
    [300_000, "5m"],
    [5_400_000, "1h30m"],
    [86_400_000, "1d"],
    [1_500, "1s500ms"],
    [0, "0s"],
  ])("%i ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
