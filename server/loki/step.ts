/**
 * Query-step conventions shared by every chart: the evaluation step for a time range, as
 * Grafana picks it (range / max points, rounded up to a readable interval, never below 1 s).
 */

const NICE_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The step in milliseconds for a range of `rangeMs` drawn with at most `maxPoints` points. */
export function stepForRange(rangeMs: number, maxPoints = 500): number {
  const rawSeconds = Math.max(1, rangeMs / 1000 / Math.max(1, maxPoints));
  const nice = NICE_STEPS_S.find((step) => step >= rawSeconds) ?? Math.ceil(rawSeconds / 86400) * 86400;
  return nice * 1000;
}

/** `5m`, `1h`, `30s`: a step in milliseconds written as a LogQL duration. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000], ["ms", 1]];
  if (ms <= 0) return "0s";
  let rest = ms;
  let text = "";
  for (const [unit, size] of units) {
    if (rest >= size) {
      const count = Math.floor(rest / size);
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
